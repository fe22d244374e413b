// The 本年度统计 card's pure parts (src/pages/statistics.js): a joint plan is marked with its lead,
// and the bar chart's bars are proportional to the values with the numbers in its description.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barGeometry, newest, planCell } from '../src/pages/statistics.js';

test('a joint plan is marked, naming the lead unless it is this department', () => {
  assert.equal(planCell('P1', null, '莆田市市场监督管理局'), 'P1');
  assert.equal(planCell('P1', '莆田市文化和旅游局', '莆田市市场监督管理局'), 'P1（联合抽查，莆田市文化和旅游局牵头）');
  assert.equal(planCell('P1', '莆田市文化和旅游局', '莆田市文化和旅游局'), 'P1（联合抽查，本部门牵头）');
});

test('bars are proportional to the largest value and described in words', () => {
  const g = barGeometry([['未发现问题', 6], ['不配合检查', 3], ['停业/清算', 0]], 400);
  assert.deepEqual(g.bars.map((b) => b.w), [400, 200, 0]);
  assert.deepEqual(g.bars.map((b) => b.y), [0, 44, 88]);
  assert.equal(g.height, 132);
  assert.equal(g.desc, '未发现问题 6；不配合检查 3；停业/清算 0');
  assert.deepEqual(barGeometry([['a', 0]], 400).bars.map((b) => b.w), [0], 'no bar, no division by zero');
});

test('the newest year is shown', () => {
  assert.equal(newest([{ year: 2025 }, { year: 2026 }, { year: 2024 }]).year, 2026);
  assert.equal(newest([]), null);
});
