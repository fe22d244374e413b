// The page's words (简体中文): what each check of draw spec §14 means, in plain language.
import { beijingText, parseRfc3339 } from '../core/timestamp.js';

export const CHECK_TEXT = {
  format: ['誊本格式', '誊本是完整、格式正确的 spotcheck-draw/1（或联合抽查的 spotcheck-draw/2）JSON 文件（见《抽取规范》第 13 节、第 17 节）。'],
  published: ['与事先公布的承诺一致',
    '誊本里的承诺与抽取之前公布的承诺文件逐项相同（见《抽取规范》第 14 节第 0 项）。不提供承诺文件时跳过此项，此时对承诺的改动由“承诺哈希”一项发现。'],
  spec_version: ['规范版本', '誊本及其承诺声明使用同一版本的规范：spotcheck-draw/1，或部门联合抽查的 spotcheck-draw/2（见《抽取规范》第 17 节：每个检查组含每个要求部门的至少一名人员）。'],
  frame: ['检查对象名录',
    '您提供的名录文件的条目数和默克尔根（Merkle root）与承诺一致（见《抽取规范》第 4 节）：名录在抽取之前已经固定，没有被增加、删除或修改。'],
  pool: ['执法检查人员名录', '检查人员名录文件（含回避关系）的人数和默克尔根与承诺一致（见《抽取规范》第 5 节）。'],
  strata: ['分层与抽取数量',
    '根据名录和抽取参数重新计算每一层的对象数和应抽数量，与承诺一致（见《抽取规范》第 6 节）；联合抽查的参与部门和检查人员所属部门符合规则（见《抽取规范》第 17.2 节）。'],
  commitment_hash: ['承诺哈希', '承诺全部内容（规范 JSON）的 SHA-256 与记录的承诺哈希一致（见《抽取规范》第 9 节）。'],
  secret: ['秘密值',
    '抽取时公开的秘密值与承诺中事先公布的哈希相符（见《抽取规范》第 7.1 节）：操作方不能在看到见证人提供的数值之后更换秘密值。'],
  witnesses: ['见证人', '提供外部随机数的见证人正是承诺中事先指定的见证人，顺序相同（见《抽取规范》第 7.2 节）。'],
  drand: ['drand 公共随机信标',
    '如果承诺事先指定了 drand 公共随机信标的某一轮：誊本记录的正是这一轮，它在承诺之后才发布（承诺时包括操作方在内谁都不知道它的数值），'
    + '它的 BLS 签名能用该链的公钥验证（公钥内置在本页面中，离线验证，不联网），randomness 是签名的 SHA-256，抽取时间不早于该轮的发布时间（见《抽取规范》第 7.3 节）。'],
  drawn_at: ['抽取时间', '誊本记录的抽取时间不早于承诺时间（见《抽取规范》第 14 节第 7h 项）：抽取不能发生在承诺公布之前。'],
  entropy_digest: ['外部随机数摘要', '由见证人提供的数值（以及 drand 轮次，如有）重新计算的摘要与记录一致（见《抽取规范》第 7.2 节、第 7.3 节）。'],
  draw_key: ['抽取密钥', '由承诺哈希、秘密值和外部随机数摘要重新推导的抽取密钥与记录一致（见《抽取规范》第 10 节）。'],
  selections: ['抽取结果',
    '用抽取密钥重新随机抽取每一层的检查对象、重新随机分配检查人员（排除回避人员），与誊本逐项相同（见《抽取规范》第 11 节、第 12 节）。'],
  digest: ['誊本摘要', '整份誊本（包括抽取时间）的 SHA-256 与记录的摘要一致（见《抽取规范》第 13.2 节）。'],
};

/** The line under the drand check: which round of which chain was checked, or that none was promised. */
export function drandText(beacon) {
  if (beacon === null) return '承诺没有指定 drand 轮次，誊本中也没有：本次抽取只使用见证人提供的随机数。';
  return `drand ${beacon.chain} 链（链哈希 ${beacon.chain_hash.slice(0, 8)}…${beacon.chain_hash.slice(-8)}）第 ${beacon.round} 轮，`
    + `发布于 ${beijingTime(beacon.time)}：BLS 签名有效，randomness ${beacon.randomness.slice(0, 16)}… 是签名的 SHA-256。`;
}

export const STATUS_TEXT = {
  pass: '通过',
  fail: '未通过',
  'not-run': '未执行',
  skipped: '已跳过',
  running: '进行中',
};

export const PHASE_TEXT = {
  parse: '读取名录文件',
  hash: '计算名录哈希',
};

/**
 * The draw spec as the site publishes it beside this page (docs/draw-spec.md). Sections are cited
 * to the public as 《抽取规范》第 N 节, never as a bare § number.
 */
export const SPEC_URL = 'draw-spec.txt';

/** A check's spec section (`§13.1`, `§14.7h` = step 7h of §14, `§11–§12`) in words: 第 13.1 节. */
export function sectionText(section) {
  const step = /^§14\.(\w+)$/.exec(section);
  if (step) return `第 14 节第 ${step[1]} 项`;
  const range = /^§([\d.]+)–§([\d.]+)$/.exec(section);
  if (range) return `第 ${range[1]}–${range[2]} 节`;
  return `第 ${section.replace(/^§/, '')} 节`;
}

/**
 * What the plan's targets are called (`?kind=` in the site's link: the plan's target kind, as the
 * registry codes it): a guide is 导游, not 企业. Without a kind, the neutral 检查对象.
 */
export const KIND_WORD = {
  agency: { noun: '旅行社', measure: '家' },
  guide: { noun: '导游', measure: '名' },
  online_operator: { noun: '在线旅游经营者', measure: '家' },
};
export const DEFAULT_KIND = { noun: '检查对象', measure: '个' };
export const kindWord = (kind) => (Object.hasOwn(KIND_WORD, kind ?? '') ? KIND_WORD[kind] : DEFAULT_KIND);

/**
 * An RFC 3339 UTC time (`2026-11-26T08:00:00Z`) as the public reads it: 北京时间 (UTC+8), labelled,
 * e.g. `2026-11-26 16:00:00（北京时间）`. Text that is not such a time is shown as it is.
 */
export function beijingTime(text) {
  const ns = typeof text === 'string' ? parseRfc3339(text) : null;
  return ns === null ? String(text) : `${beijingText(ns)}（北京时间）`;
}
