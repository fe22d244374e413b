// The staff console as its users work it, in headless Debian Chromium (playwright-core, never a
// downloaded browser), only by clicking and typing: sign in with the demo's one-time links, import a
// registry with one bad row and see that row named, create a plan, commit it, open the printable
// notice, draw with the witness's value, record a result and a penalty decision; a second user
// returns both with a reason; the author sees them returned with the reasons among their drafts and
// amends them in the prefilled forms; the second user approves both, and finds the result on the
// public page. axe-core finds no violation on any page,
// and no page scrolls sideways at 1280 or 390 px. Screenshots go to $SCREENSHOT_DIR.
//
// CONSOLE_SERVER_OUT: the standard output of a running `spotcheck serve --demo` (its address and
// sign-in links); scripts/test.d/47-console.sh starts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { base, check, launch, links, printed, SHOTS, signIn as signInWith } from './harness.js';
import { publishSite } from './site.js';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../fixtures');
let browser;

before(async () => {
  assert.ok(base, 'no address in the output of serve --demo');
  for (const who of ['PT-INS-001', 'demo-publisher', 'demo-registrar']) assert.ok(links[who], `no sign-in link for ${who}: ${printed}`);
  browser = await launch();
});

after(async () => { await browser?.close(); });

const signIn = (who) => signInWith(browser, who);

/** Beijing time `minutes` from now, rounded up to the minute, as a datetime-local value. */
function beijingLocal(minutes) {
  const ms = Math.ceil((Date.now() + minutes * 60000) / 60000) * 60000;
  return { value: new Date(ms + 8 * 3600e3).toISOString().slice(0, 16), at: ms };
}

test('a whole check, by clicking and typing', { timeout: 600_000 }, async () => {
  // 1. The registrar imports a file with one bad row: nothing is imported, the row is named.
  const reg = await signIn('demo-registrar');
  await check(reg, 'dashboard-registrar');
  await reg.getByRole('link', { name: '名录管理' }).click();
  await reg.getByLabel('名录类别').selectOption('agencies');
  const good = fs.readFileSync(path.join(FIXTURES, 'registries/agencies.synthetic.csv'), 'utf8').split('\n');
  const bad = good.slice();
  bad[3] = bad[3].replace(/^[^,]+,/, '9135030BADCODE0000,');
  await reg.getByLabel('名录文件').setInputFiles({ name: 'agencies.csv', mimeType: 'text/csv', buffer: Buffer.from(bad.join('\n')) });
  await reg.getByRole('button', { name: '上传并导入' }).click();
  await reg.getByRole('heading', { name: /错误报告/ }).waitFor();
  const rows = reg.getByRole('table', { name: '错误行' }).locator('tbody tr');
  assert.equal(await rows.count(), 1, 'exactly the one bad row is reported');
  assert.match(await rows.first().innerText(), /第 4 行/);
  assert.ok(await reg.getByRole('link', { name: '下载错误报告（CSV）' }).isVisible());
  await check(reg, 'registries-error-report');
  // The snapshot in force is unchanged, and searchable by credit code.
  await reg.getByLabel('名称、统一社会信用代码或许可证号').fill('91350302MA00000ETT');
  await reg.getByRole('button', { name: '查询' }).click();
  await reg.getByText(/旅行社名录当前为第 1 版快照/).waitFor();
  await reg.getByRole('cell', { name: '莆田宁海商务旅行社有限公司' }).waitFor();
  await check(reg, 'registries-search');
  // The snapshot history: the demo's import is snapshot 1 of the agencies; the refused file made none.
  await reg.getByRole('heading', { name: '快照历史' }).waitFor();
  await reg.getByLabel('查看的名录').selectOption('guides');
  const history = reg.getByRole('table', { name: '导游名录快照历史' });
  await history.waitFor();
  assert.match(await history.locator('tbody tr').first().innerText(), /第 1 版/);
  await reg.getByLabel('查看的名录').selectOption('agencies');
  const agencies = reg.getByRole('table', { name: '旅行社名录快照历史' });
  await agencies.waitFor();
  assert.equal(await agencies.locator('tbody tr').count(), 1, 'the refused file stored no snapshot');
  await check(reg, 'registries-history');
  await reg.context().close();

  // 2. The inspector and supervisor plans a check, commits it and prints the notice.
  const sup = await signIn('PT-INS-001');
  await check(sup, 'dashboard');
  // 本年度统计: the department's figures from GET /api/public/statistics (the demo plan is drawn).
  const stats = sup.locator('section[aria-labelledby=h-stats]');
  assert.match(await stats.getByRole('heading', { level: 2 }).innerText(), /^本年度统计（\d{4} 年）$/);
  assert.match(await stats.innerText(), /已抽取 [1-9]/);
  assert.match(await stats.innerText(), /抽中 \/ 候选\s+[1-9]\d* \/ [1-9]/);
  // The load is drawn too: an SVG named and described with the same numbers as the table.
  const load = stats.getByRole('img', { name: '执法人员分派数分布（人次）' });
  assert.match(await load.locator('desc').textContent(), /^分派 \d+ 个对象 \d+/);
  assert.ok((await load.locator('rect').count()) >= 1);
  await sup.getByRole('link', { name: '抽查计划', exact: true }).click();
  await sup.getByRole('link', { name: '新建抽查计划' }).first().click();
  await sup.getByRole('heading', { name: '新建抽查计划' }).waitFor();
  // Submitting empty names what is missing beside each field, in Chinese.
  await sup.getByRole('button', { name: '保存为草稿' }).click();
  assert.ok(await sup.getByText('请填写计划编号').isVisible());
  assert.ok(await sup.getByText('请选择抽查事项').isVisible());
  await check(sup, 'plan-new-validation');
  await sup.getByLabel('计划编号').fill('PT-2026-E2E');
  await sup.getByLabel('计划名称').fill('城厢区旅行社双随机抽查（测试）');
  await sup.getByLabel('抽查事项').selectOption('PT-LY-001');
  await sup.getByLabel('定向抽查（按条件筛选）').check();
  await sup.getByLabel('行政区划代码').fill('350302');
  await sup.getByLabel('按数量（每层）').check();
  await sup.getByLabel('每层抽取数量').fill('2');
  // The live preview from the current snapshot: candidates, the stratum's sample, feasibility.
  await sup.getByText('抽取可行：提交承诺时将按同样规则核验。').waitFor();
  assert.match(await sup.locator('.preview').innerText(), /350302\s+\d+\s+2/);
  await sup.getByLabel('每层抽取数量').fill('500');
  await sup.getByText(/按当前设置无法抽取/).waitFor();
  await check(sup, 'plan-new-preview');
  await sup.getByLabel('每层抽取数量').fill('2');
  await sup.getByText('抽取可行：提交承诺时将按同样规则核验。').waitFor();
  await sup.getByLabel('见证人1').fill('观察员 李某');
  const planned = beijingLocal(2);
  await sup.getByLabel('计划抽取时间（北京时间）').fill(planned.value);
  await sup.getByRole('button', { name: '保存为草稿' }).click();
  await sup.getByRole('heading', { name: '城厢区旅行社双随机抽查（测试）' }).waitFor();
  await check(sup, 'plan-draft');
  await sup.getByRole('button', { name: '提交承诺并公示' }).click();
  await sup.getByText(/已提交承诺并公示/).waitFor();
  const hash = (await sup.locator('dd code.hash').first().innerText()).trim();
  assert.match(hash, /^[0-9a-f]{64}$/);
  await sup.getByRole('link', { name: '打印抽查公告' }).click();
  await sup.getByRole('heading', { name: /关于开展城厢区旅行社双随机抽查（测试）的公告/ }).waitFor();
  assert.ok(await sup.locator('svg.qr path').count() === 1, 'the notice has its QR code');
  assert.ok((await sup.locator('.notice-doc').innerText()).includes(hash), 'the notice shows the commitment hash');
  await check(sup, 'notice');
  await sup.emulateMedia({ media: 'print' });
  await sup.screenshot({ path: path.join(SHOTS, 'notice-print.png'), fullPage: true });
  assert.equal(await sup.getByRole('navigation').count(), 0, 'navigation is not printed');
  await sup.emulateMedia({ media: 'screen' });

  // 3. The draw ceremony: the witness's value, then the drawn targets and inspectors.
  await sup.getByRole('link', { name: '返回计划' }).click();
  await sup.getByRole('link', { name: '进入抽取现场' }).click();
  await sup.getByText('承诺值（抽取前已公示）').waitFor();
  await check(sup, 'draw-waiting');
  await sup.getByLabel('观察员 李某').fill('2 7 1 8 2 8');
  const wait = planned.at - Date.now() + 1500;
  if (wait > 0) await sup.waitForTimeout(wait);
  // Keyboard only: from the value field, Tab to the button and press Enter.
  await sup.getByLabel('观察员 李某').focus();
  await sup.keyboard.press('Tab');
  await sup.keyboard.press('Enter');
  await sup.getByText(/抽取完成，共抽中 \d+ 户/).waitFor();
  await sup.waitForTimeout(1500);
  await check(sup, 'draw-done');
  const target = (await sup.locator('.ceremony-table tbody tr').first().locator('code').innerText()).trim();
  assert.match(target, /^[0-9A-Z]{18}$/);

  // 4. A result for the first drawn agency, with validation messages first.
  await sup.getByRole('link', { name: '返回计划' }).click();
  await sup.getByRole('link', { name: `录入检查结果：${target}` }).click();
  await sup.getByRole('heading', { name: '录入抽查结果' }).waitFor();
  await sup.getByRole('button', { name: '保存检查结果' }).click();
  assert.ok(await sup.getByText('请选择检查结果').isVisible());
  assert.ok(await sup.getByText('请填写检查情况').isVisible());
  await check(sup, 'result-validation');
  await sup.getByLabel('检查结果').selectOption('corrected_after_order');
  await sup.getByLabel('检查情况').fill('旅游合同文本不规范，已责令改正。');
  await sup.getByLabel('后续处理').fill('责令改正');
  await sup.getByRole('button', { name: '保存检查结果' }).click();
  await sup.getByText('检查结果已保存，待他人审核后公开。').waitFor();

  // 5. A penalty decision for it.
  await sup.getByRole('link', { name: '录入行政处罚决定' }).click();
  await sup.getByRole('heading', { name: '录入行政处罚决定' }).waitFor();
  await sup.getByRole('button', { name: '保存处罚决定' }).click();
  assert.ok(await sup.getByText('请填写行政处罚决定书文号').isVisible());
  await check(sup, 'penalty-validation');
  await sup.getByLabel('当事人名称').fill('莆田测试旅行社有限公司');
  await sup.getByLabel('行政处罚决定书文号').fill('莆文旅罚〔2026〕901号');
  await sup.getByLabel('违法行为类型（案由）').fill('未与旅游者签订书面旅游合同');
  await sup.getByLabel('违法事实').fill('抽查发现该社2026年10月组团未签订书面合同。');
  await sup.getByLabel('处罚依据').fill('《中华人民共和国旅游法》第九十五条');
  await sup.getByLabel('处罚结果').fill('警告');
  // The credit platform's fields, generated from the API's schema.
  await sup.getByLabel('填写信用信息公示（信用中国）').check();
  await sup.getByLabel('行政相对人类别').selectOption('legal_person');
  await sup.getByLabel('警告', { exact: true }).check();
  await sup.getByRole('textbox', { name: '违法行为类型', exact: true }).fill('未与旅游者签订书面旅游合同');
  await sup.getByLabel('处罚机关统一社会信用代码').fill('11350300MB00000009');
  await sup.getByRole('textbox', { name: '数据来源单位', exact: true }).fill('莆田市文化和旅游局');
  await sup.getByLabel('数据来源单位统一社会信用代码').fill('11350300MB00000009');
  await sup.getByRole('button', { name: '保存处罚决定' }).click();
  await sup.getByText(/处罚决定 .* 已保存，待他人审核后公开。/).waitFor();

  // The audit log: this plan's commit and draw, found by searching.
  await sup.getByRole('link', { name: '审计日志' }).click();
  await sup.getByRole('heading', { name: '审计日志' }).waitFor();
  await sup.getByLabel('按对象、操作人或操作查找').fill('PT-2026-E2E');
  await sup.getByRole('button', { name: '查找' }).click();
  await sup.getByRole('cell', { name: '提交承诺并公示' }).first().waitFor();
  assert.ok(await sup.getByRole('cell', { name: '抽取', exact: true }).count() >= 1);
  await check(sup, 'audit-log');

  // 6. Someone else reviews both, each text beside its public rendering: the result goes back to
  // its author with a reason, the decision is approved.
  const pub = await signIn('demo-publisher');
  await pub.getByRole('link', { name: '审核', exact: true }).click();
  await pub.getByRole('heading', { name: /抽查结果：/ }).waitFor();
  await pub.getByRole('heading', { name: /行政处罚决定：/ }).waitFor();
  await check(pub, 'approvals');
  // Returning needs a reason: without one the message stands beside the field and nothing is sent.
  const resultCard = pub.locator('section.approval', { has: pub.getByRole('heading', { name: /抽查结果：/ }) });
  await resultCard.getByRole('button', { name: '退回修改' }).click();
  await resultCard.getByText('请填写退回理由').waitFor();
  assert.equal(await resultCard.getByRole('textbox', { name: /退回理由/ }).getAttribute('aria-invalid'), 'true');
  const reason = '请写明合同文本不规范的具体条款';
  await resultCard.getByRole('textbox', { name: /退回理由/ }).fill(reason);
  await resultCard.getByRole('button', { name: '退回修改' }).click();
  await resultCard.getByText(`录入人修改：${reason}`).waitFor();
  assert.equal(await resultCard.getByRole('button', { name: '同意公开' }).count(), 0, 'a returned result waits for its author');
  const penaltyCard = pub.locator('section.approval', { has: pub.getByRole('heading', { name: /行政处罚决定：/ }) });
  await penaltyCard.getByRole('textbox', { name: /退回理由/ }).fill('处罚结果请写明警告的具体内容');
  await penaltyCard.getByRole('button', { name: '退回修改' }).click();
  await penaltyCard.getByText('录入人修改：处罚结果请写明警告的具体内容').waitFor();

  // 7. The author finds the result returned with the reason among their drafts, and amends it.
  await sup.getByRole('link', { name: '我的待审', exact: true }).click();
  await sup.getByRole('heading', { level: 1, name: '我的待审记录' }).waitFor();
  const draft = sup.locator('section.approval', { has: sup.getByRole('heading', { name: new RegExp(`抽查结果：PT-2026-E2E / ${target}`) }) });
  await draft.getByText('已退回').waitFor();
  assert.ok((await draft.innerText()).includes(`退回理由：${reason}`), 'the author reads the reason');
  // 撤回 asks first; 取消 keeps the draft.
  await draft.getByRole('button', { name: /^撤回：/ }).click();
  await draft.getByText(/确定撤回/).waitFor();
  await check(sup, 'drafts');
  await draft.getByRole('button', { name: '取消' }).click();
  await draft.getByRole('link', { name: /^修改：/ }).click();
  await sup.getByRole('heading', { level: 1, name: '修改抽查结果' }).waitFor();
  assert.equal(await sup.getByLabel('检查情况').inputValue(), '旅游合同文本不规范，已责令改正。', 'the form is prefilled');
  assert.equal(await sup.getByLabel('检查结果').inputValue(), 'corrected_after_order');
  await sup.getByText(`退回理由：${reason}`).waitFor();
  // Emptied, the field says so beside it, in Chinese; nothing is sent.
  await sup.getByLabel('检查情况').fill('');
  await sup.getByRole('button', { name: '保存修改并重新提交审核' }).click();
  assert.ok(await sup.getByText('请填写检查情况').isVisible());
  await check(sup, 'result-amend');
  await sup.getByLabel('检查情况').fill('旅游合同文本未载明违约责任条款，已责令改正。');
  await sup.getByRole('button', { name: '保存修改并重新提交审核' }).click();
  await sup.getByText('检查结果已修改，已重新提交审核。').waitFor();
  await sup.getByRole('link', { name: '返回我的待审记录' }).click();
  await draft.getByText('待审核', { exact: true }).waitFor();
  assert.equal(await draft.getByText('已退回').count(), 0, 'amended: no longer returned');
  // The decision too: the whole decision prefilled (its number fixed), amended and resubmitted.
  const decision = sup.locator('section.approval', { has: sup.getByRole('heading', { name: '行政处罚决定：莆文旅罚〔2026〕901号' }) });
  assert.ok((await decision.innerText()).includes('退回理由：处罚结果请写明警告的具体内容'));
  await decision.getByRole('link', { name: /^修改：/ }).click();
  await sup.getByRole('heading', { level: 1, name: '修改行政处罚决定' }).waitFor();
  assert.equal(await sup.getByLabel('行政处罚决定书文号').inputValue(), '莆文旅罚〔2026〕901号');
  assert.equal(await sup.getByLabel('行政处罚决定书文号').isEditable(), false, 'the number stays');
  assert.equal(await sup.getByLabel('当事人名称').inputValue(), '莆田测试旅行社有限公司');
  assert.ok(await sup.getByLabel('填写信用信息公示（信用中国）').isChecked(), 'the credit platform part is prefilled');
  assert.equal(await sup.getByLabel('处罚机关统一社会信用代码').inputValue(), '11350300MB00000009');
  assert.equal(await sup.getByLabel('处罚结果').inputValue(), '警告');
  await sup.getByLabel('处罚结果').fill('警告，并责令限期改正');
  await sup.getByRole('button', { name: '保存修改并重新提交审核' }).click();
  await sup.getByText('处罚决定 莆文旅罚〔2026〕901号 已修改，已重新提交审核。').waitFor();
  await sup.context().close();

  // 8. The approver approves both as amended and finds the result public.
  await pub.getByRole('link', { name: '工作台', exact: true }).click();
  await pub.getByRole('heading', { level: 1, name: '工作台' }).waitFor();
  await pub.getByRole('link', { name: '审核', exact: true }).click();
  await pub.getByText('旅游合同文本未载明违约责任条款，已责令改正。').first().waitFor();
  await pub.getByText('警告，并责令限期改正').first().waitFor();
  await penaltyCard.getByRole('button', { name: '同意公开' }).click();
  await pub.getByText('已同意公开：').waitFor();
  await resultCard.getByRole('button', { name: '同意公开' }).click();
  await pub.getByText('暂无待审核事项。').waitFor();
  await pub.getByRole('link', { name: /查看公开页面/ }).first().click();
  await pub.getByRole('heading', { name: /公开信息：/ }).waitFor();
  await pub.getByText('复核通过').waitFor();
  const published = await pub.locator('table').innerText();
  assert.ok(published.includes(target), `the public page lists the result for ${target}: ${published}`);
  assert.ok(published.includes('已责令改正') || published.includes('发现问题经责令已改正'));
  await check(pub, 'public-plan');
  // 9. The public website as published (`spotcheck publish --due`, e2e/site.js): the result is on the plan's page.
  const site = await publishSite();
  await pub.goto(`${site.url}/index.html`);
  await pub.getByRole('link', { name: '抽查计划与抽取' }).first().click();
  await pub.getByRole('link', { name: '城厢区旅行社双随机抽查（测试）' }).click();
  await pub.getByText('旅游合同文本未载明违约责任条款，已责令改正。').first().waitFor();
  assert.ok((await pub.locator('main').innerText()).includes(target), `the site's plan page names ${target}`);
  await pub.screenshot({ path: path.join(SHOTS, 'site-plan.png'), fullPage: true });
  site.close();
  await pub.context().close();
});
