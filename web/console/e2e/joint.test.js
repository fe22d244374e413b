// A joint plan (部门联合双随机抽查, docs/draw-spec.md §17) in headless Debian Chromium, only by
// clicking and typing: the lead department's supervisor creates a plan naming a partner (the API's
// refusal of a team too small for its departments stands beside the field, in Chinese), commit is
// refused in Chinese until the partner approves, the partner's supervisor finds the plan awaiting
// its approval, reads which of its inspectors form its part of the pool and approves, and the lead
// commits. The demo's drawn joint check names every department and each inspector's department.
// axe-core on every new view, no sideways scrolling at 1280 or 390 px.
//
// CONSOLE_SERVER_OUT: the standard output of a running `spotcheck serve --demo` (its address and
// sign-in links: demo-admin of 莆田市文化和旅游局 leads, PT-SJ-001 of 莆田市市场监督管理局 is the
// partner's inspector and supervisor); scripts/test.d/47-console.sh starts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { check, launch, links, printed, signIn as signInWith } from './harness.js';

const LEAD = '莆田市文化和旅游局';
const PARTNER = '莆田市市场监督管理局';
let browser;

before(async () => {
  for (const who of ['demo-admin', 'PT-SJ-001']) assert.ok(links[who], `no sign-in link for ${who}: ${printed}`);
  browser = await launch();
});

after(async () => { await browser?.close(); });

const signIn = (who) => signInWith(browser, who);

/** Beijing time `minutes` from now, rounded up to the minute, as a datetime-local value. */
function beijingLocal(minutes) {
  const ms = Math.ceil((Date.now() + minutes * 60000) / 60000) * 60000;
  return new Date(ms + 8 * 3600e3).toISOString().slice(0, 16);
}

/** The facts list's value for `term` on a plan page. */
async function fact(page, term) {
  return (await page.locator('dl.facts dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

const TITLE = '旅行社部门联合双随机抽查（测试）';

test('a joint plan: the lead creates it, the partner approves its part, the lead commits', { timeout: 600_000 }, async () => {
  // 1. The lead department's supervisor names the partner in the wizard.
  const lead = await signIn('demo-admin');
  await lead.getByRole('link', { name: '抽查计划', exact: true }).click();
  await lead.getByRole('link', { name: '新建抽查计划' }).first().click();
  await lead.getByRole('heading', { name: '新建抽查计划' }).waitFor();
  await lead.getByLabel('计划编号').fill('PT-2026-JOINT-E2E');
  await lead.getByLabel('计划名称').fill(TITLE);
  await lead.getByLabel('抽查事项').selectOption('PT-LY-001');
  await lead.getByLabel('本计划为部门联合抽查，由本部门牵头').check();
  // Without a partner, the wizard says so beside the field.
  await lead.getByLabel('见证人1').fill('观察员 陈某');
  await lead.getByLabel('计划抽取时间（北京时间）').fill(beijingLocal(30));
  await lead.getByRole('button', { name: '保存为草稿' }).click();
  await lead.getByText('请至少填写一个配合部门').waitFor();
  assert.equal(await lead.getByLabel('配合部门1').getAttribute('aria-invalid'), 'true');
  await check(lead, 'joint-new-validation');
  await lead.getByLabel('配合部门1').fill(PARTNER);
  await lead.getByRole('button', { name: '增加配合部门' }).click();
  await lead.getByLabel('配合部门2').fill('莆田市公安局');
  await lead.getByLabel('每个检查组包含全部部门的检查人员').check();
  // Three departments in teams of two: the API refuses (team-too-small), beside 每户检查人员数.
  await lead.getByRole('button', { name: '保存为草稿' }).click();
  await lead.getByText('每户检查人员数不得少于每个检查组须包含的部门数（3个）：每个部门至少1名').waitFor();
  assert.equal(await lead.getByLabel('每户检查人员数').getAttribute('aria-invalid'), 'true');
  assert.match(await lead.getByRole('alert').innerText(), /每户检查人员数少于每个检查组须包含的部门数。（team-too-small/);
  await check(lead, 'joint-new-api-refusal');
  await lead.getByRole('button', { name: '删除配合部门2' }).click();
  // The live preview counts every department's inspectors and finds the draw feasible.
  await lead.getByText('抽取可行：提交承诺时将按同样规则核验。').waitFor();
  await lead.getByRole('button', { name: '保存为草稿' }).click();
  await lead.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  assert.equal(await fact(lead, '牵头部门'), LEAD);
  assert.equal(await fact(lead, '配合部门'), PARTNER);
  assert.match(await fact(lead, '检查组构成'), /全部配合部门/);
  const status = lead.getByRole('table', { name: '各配合部门对本计划的确认情况' });
  assert.match(await status.locator('tbody tr').first().innerText(), new RegExp(`${PARTNER}\\s+待确认`));

  // 2. Commit is refused until the partner approves, and says so in Chinese, naming the partner.
  await lead.getByRole('button', { name: '提交承诺并公示' }).click();
  const refusal = lead.getByRole('alert');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), new RegExp(`不能提交承诺：本计划为部门联合抽查，配合部门“${PARTNER}”尚未确认参与及本部门检查人员。.*（partner-approval-missing）`));
  await check(lead, 'joint-commit-refused');

  // 3. The partner's supervisor finds the plan awaiting its approval and reads its part of the pool.
  const partner = await signIn('PT-SJ-001');
  // 工作台 names it first.
  const card = partner.locator('section', { has: partner.getByRole('heading', { name: '待本部门确认的联合抽查' }) });
  assert.match(await card.innerText(), new RegExp(`${TITLE}\\s+牵头部门：${LEAD}`));
  await check(partner, 'joint-dashboard-partner');
  await partner.getByRole('link', { name: '抽查计划', exact: true }).click();
  const waiting = partner.locator('section', { has: partner.getByRole('heading', { name: '待本部门确认的联合抽查' }) });
  await waiting.waitFor();
  assert.match(await waiting.innerText(), new RegExp(`${TITLE}（牵头部门：${LEAD}；PT-2026-JOINT-E2E）`));
  // The demo's joint check, approved and drawn long ago, is listed too, but no longer waits.
  assert.match(await partner.getByRole('table', { name: '本部门牵头或参与的抽查计划' }).innerText(), /2026年旅行社部门联合“双随机”抽查（演示）[\s\S]*本部门配合/);
  assert.equal(await waiting.getByRole('link').count(), 1, 'only the new plan awaits the partner');
  await check(partner, 'joint-plans-partner');
  await waiting.getByRole('link', { name: TITLE }).click();
  await partner.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  const part = partner.locator('section', { has: partner.getByRole('heading', { name: `本部门参与确认（配合部门：${PARTNER}）` }) });
  await part.getByText(`本计划由 ${LEAD} 牵头。`, { exact: false }).waitFor();
  const ours = part.getByRole('table', { name: /本部门参与抽取的检查人员/ });
  await ours.locator('tbody tr').first().waitFor();
  const ids = await ours.locator('tbody tr td:first-child').allInnerTexts();
  assert.deepEqual(ids.map((s) => s.trim()), ['PT-SJ-001', 'PT-SJ-002', 'PT-SJ-003', 'PT-SJ-004', 'PT-SJ-005', 'PT-SJ-006']);
  assert.equal(await partner.getByRole('button', { name: '提交承诺并公示' }).count(), 0, 'a partner does not commit the lead\'s plan');
  await check(partner, 'joint-partner-approval');
  await part.getByRole('button', { name: '确认本部门参与及检查人员' }).click();
  await partner.getByText(`已确认本部门参与“${TITLE}”及本部门检查人员。牵头部门可提交承诺。`).waitFor();
  await part.getByText('已确认', { exact: true }).waitFor();
  assert.match(await part.innerText(), /6 名，执法检查人员名录第 \d+ 版快照/);
  await check(partner, 'joint-partner-approved');
  await partner.context().close();

  // 4. The lead sees the approval and commits.
  await lead.getByRole('link', { name: '抽查计划', exact: true }).click();
  await lead.getByRole('link', { name: TITLE }).click();
  await lead.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await status.locator('tbody tr').first().getByText('已确认').waitFor();
  assert.match(await status.locator('tbody tr').first().innerText(), /本部门检查人员 6 名/);
  await lead.getByRole('button', { name: '提交承诺并公示' }).click();
  await lead.getByText(/已提交承诺并公示/).waitFor();
  await lead.locator('dl.facts dd', { hasText: '已公示待抽取' }).waitFor();
  assert.match(await fact(lead, '状态'), /已公示待抽取/);
  await check(lead, 'joint-committed');

  // 5. The demo's drawn joint check: every department named, each drawn inspector's department.
  await lead.getByRole('link', { name: '抽查计划', exact: true }).click();
  await lead.getByRole('link', { name: '2026年旅行社部门联合“双随机”抽查（演示）' }).click();
  await lead.getByRole('heading', { name: '抽取结果与检查结果录入' }).waitFor();
  assert.equal(await fact(lead, '牵头部门'), LEAD);
  assert.equal(await fact(lead, '配合部门'), PARTNER);
  const teams = await lead.getByRole('table', { name: '抽中对象及检查人员' }).locator('tbody tr td:nth-child(4)').allInnerTexts();
  assert.ok(teams.length >= 1, 'the demo drew targets');
  for (const team of teams) {
    assert.ok(team.includes(`（${LEAD}）`) && team.includes(`（${PARTNER}）`), `each team names both departments: ${team}`);
  }
  await check(lead, 'joint-plan-drawn');
  // The draw's page names the departments too.
  await lead.getByRole('link', { name: '查看抽取现场' }).click();
  await lead.getByText(`${LEAD}（牵头）、${PARTNER}（配合）`).waitFor();
  const drawn = await lead.getByRole('table', { name: /抽取结果：抽中对象/ }).locator('tbody tr td:nth-child(4)').allInnerTexts();
  assert.deepEqual(drawn, teams, 'the draw page lists the same teams, with departments');
  // The rows fade in one after another: axe reads the colours once they have.
  await lead.waitForFunction(() => document.getAnimations().every((a) => a.playState === 'finished'));
  await check(lead, 'joint-draw-drawn');
  await lead.context().close();
});
