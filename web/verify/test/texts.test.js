// The page's words for the public: Chinese punctuation in Chinese text, spec sections cited as
// 《抽取规范》第 N 节 (never a bare §), times in 北京时间 and labelled, a guide called 导游.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CHECKS } from '../src/core/verify.js';
import { CHECK_TEXT, STATUS_TEXT, beijingTime, drandText, kindWord, sectionText } from '../src/ui/texts.js';
import { TIMESTAMP_CODE_TEXT } from '../src/ui/timestamps.js';

const CJK = /[\u4e00-\u9fff]/;
/** Half-width punctuation next to Chinese text (a comma, colon or semicolon, or a parenthesis). */
const HALF_WIDTH = /[\u4e00-\u9fff][,:;?!]|[\u4e00-\u9fff] ?\(|\) ?[\u4e00-\u9fff]|[,;] [\u4e00-\u9fff]|: [\u4e00-\u9fff]/;

function publicTexts() {
  const texts = [];
  for (const [title, explain] of Object.values(CHECK_TEXT)) texts.push(title, explain);
  texts.push(...Object.values(STATUS_TEXT), ...Object.values(TIMESTAMP_CODE_TEXT), drandText(null));
  texts.push(drandText({ chain: 'quicknet', chain_hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
    round: 1000, time: '2023-08-23T15:59:24Z', randomness: 'ab'.repeat(32) }));
  return texts;
}

test('the check texts use full-width punctuation and cite the spec in words, never by a bare §', () => {
  for (const t of publicTexts()) {
    assert.ok(!t.includes('§'), t);
    if (CJK.test(t)) assert.doesNotMatch(t, HALF_WIDTH, t);
  }
  assert.match(CHECK_TEXT.frame[1], /（见《抽取规范》第 4 节）/);
});

test('the page itself: full-width punctuation, no §, a link back to the site home and to the spec', () => {
  const html = readFileSync(new URL('../src/ui/index.html', import.meta.url), 'utf8');
  const text = html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, '\n');
  for (const line of text.split('\n').filter((l) => CJK.test(l))) {
    assert.ok(!line.includes('§'), line);
    assert.doesNotMatch(line, HALF_WIDTH, line);
  }
  assert.match(html, /<a href="index.html" id="site-home">← 返回网站首页<\/a>/);
  assert.match(html, /<a href="draw-spec.txt">《spotcheck 抽取规范》<\/a>/);
});

test('every check has a section said in words', () => {
  const said = Object.fromEntries(CHECKS.map((c) => [c.id, sectionText(c.section)]));
  assert.equal(said.format, '第 13.1 节');
  assert.equal(said.published, '第 14 节第 0 项');
  assert.equal(said.drawn_at, '第 14 节第 7h 项');
  assert.equal(said.selections, '第 11–12 节');
  for (const s of Object.values(said)) assert.match(s, /^第 [\d.–]+ 节(第 \w+ 项)?$/);
});

test('times are shown in 北京时间 and say so', () => {
  assert.equal(beijingTime('2026-11-26T08:00:00Z'), '2026-11-26 16:00:00（北京时间）');
  assert.equal(beijingTime('2026-12-31T20:30:00.5Z'), '2027-01-01 04:30:00.500（北京时间）');
  assert.equal(beijingTime('not a time'), 'not a time');
  assert.match(drandText({ chain: 'quicknet', chain_hash: 'a'.repeat(64), round: 1000, time: '2023-08-23T15:59:24Z', randomness: 'b'.repeat(64) }),
    /发布于 2023-08-23 23:59:24（北京时间）/);
});

test('the target kind decides the word: a guide is 导游, not 企业', () => {
  assert.deepEqual(kindWord('guide'), { noun: '导游', measure: '名' });
  assert.equal(kindWord('agency').noun, '旅行社');
  assert.equal(kindWord('online_operator').noun, '在线旅游经营者');
  assert.equal(kindWord(null).noun, '检查对象');
  assert.equal(kindWord('toString').noun, '检查对象');
});
