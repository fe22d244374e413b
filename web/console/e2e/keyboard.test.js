// Every page of the staff console by keyboard alone, in headless Debian Chromium (playwright-core):
// pages are reached only with Tab, Shift+Tab and Enter; checkboxes and buttons work with Space,
// radio groups with the arrow keys; the
// skip link comes first and moves focus to the page's content; a new page puts focus on its heading;
// on every page Tab visits every control in reading order (the DOM's, no positive tabindex) and
// Shift+Tab walks the same way back, each focused control shows a visible focus ring inside the
// window, and Escape never takes focus away; axe-core finds no violation. Nothing is saved (forms are
// only submitted empty), so the data the other e2e test expects is untouched.
//
// CONSOLE_SERVER_OUT: the standard output of the `spotcheck serve --demo` that
// scripts/test.d/47-console.sh starts with `--signin-link kbd-admin=admin,registrar`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { axeViolations, launch, newPage, printed, SHOTS } from './harness.js';

const link = /^\s+\S+ kbd-admin \([^)]*\): (http\S+\/console\/signin#ticket=[0-9a-f]+)$/m.exec(printed)?.[1];
let browser;
let page;

before(async () => {
  assert.ok(link, `no sign-in link for kbd-admin (serve needs --signin-link kbd-admin=admin,registrar): ${printed}`);
  browser = await launch();
  page = await newPage(browser);
});

after(async () => { await browser?.close(); });

/** What has focus: a description, whether a focus ring shows, and whether it is inside the window. */
const focused = () => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const name = (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return {
    key: el.dataset.kbd ?? null,
    tag: el.tagName.toLowerCase(),
    id: el.id,
    // Chromium tabs through the parts of a date or time field (year, month, … minute) one by one.
    parts: el.tagName === 'INPUT' && /^(date|datetime-local|time|month|week)$/.test(el.type),
    text: name,
    href: el.getAttribute('href'),
    what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${name}" (outline ${cs.outlineStyle} ${cs.outlineWidth}, box-shadow ${cs.boxShadow})`,
    ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || (cs.boxShadow && cs.boxShadow !== 'none'),
    inside: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
  };
});

/** Numbers the page's tabbable controls in DOM order (data-kbd); returns their count. */
const numberTabbables = () => page.evaluate(() => {
  const sel = 'a[href], button, input, select, textarea, summary, [tabindex]';
  // Chromium also focuses a scrolling box with nothing focusable inside (e.g. a wide table).
  const scroller = (el) => {
    const cs = getComputedStyle(el);
    const scrolls = (/(auto|scroll)/.test(cs.overflowX) && el.scrollWidth > el.clientWidth)
      || (/(auto|scroll)/.test(cs.overflowY) && el.scrollHeight > el.clientHeight);
    return scrolls && el !== document.documentElement && el !== document.body && !el.querySelector(sel);
  };
  const all = [...document.querySelectorAll('*')].filter((el) => el.matches(sel) || scroller(el)).filter((el) => {
    if (el.disabled || (el.matches(sel) && el.tabIndex < 0) || el.closest('[inert]')) return false;
    if (el.tagName === 'INPUT' && el.type === 'hidden') return false;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && el.getClientRects().length > 0;
  });
  // Radio buttons of one group are one Tab stop: the checked one, else the first.
  const seen = new Set();
  const stops = all.filter((el) => {
    if (el.tagName !== 'INPUT' || el.type !== 'radio' || !el.name) return true;
    const group = [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)];
    const stop = group.find((r) => r.checked) || group[0];
    if (seen.has(el.name)) return false;
    if (el !== stop) return false;
    seen.add(el.name);
    return true;
  });
  document.querySelectorAll('[data-kbd]').forEach((el) => delete el.dataset.kbd);
  stops.forEach((el, i) => { el.dataset.kbd = String(i); });
  const positive = [...document.querySelectorAll('[tabindex]')].filter((el) => el.tabIndex > 0).map((el) => el.outerHTML.slice(0, 80));
  return { count: stops.length, positive };
});

/** Presses Tab (or Shift+Tab) until `match(focused())` holds, at most `max` times; then `then`. */
async function tabTo(match, { back = false, max = 200, then } = {}) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused();
    if (f && match(f)) {
      assert.ok(f.ring, `no visible focus on ${f.what}`);
      if (then) await page.keyboard.press(then);
      return f;
    }
  }
  throw new Error(`no control found by ${back ? 'Shift+Tab' : 'Tab'}: ${match}`);
}
const named = (text) => (f) => (text instanceof RegExp ? text.test(f.text) : f.text === text);

/** After a page change: its heading has focus. */
async function arrived(heading) {
  const h = page.getByRole('heading', { level: 1, name: heading });
  await h.waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  await page.waitForFunction(() => !document.querySelector('main [role="status"]')?.textContent.includes('正在加载'));
}

/**
 * The whole page by keyboard: Tab from the top visits every control once, in DOM order, each with a
 * visible ring inside the window; Shift+Tab visits them back in reverse; Escape keeps focus; axe-core.
 */
async function walk(name) {
  const { count, positive } = await numberTabbables();
  assert.deepEqual(positive, [], `${name}: positive tabindex changes the reading order`);
  assert.ok(count > 0, `${name}: nothing to focus`);
  // From the top of the document: focus the first control's predecessor (none), i.e. start before it.
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.evaluate(() => { const h = document.createElement('span'); h.tabIndex = -1; h.id = 'kbd-start'; document.body.prepend(h); h.focus(); h.remove(); });
  const order = [];
  for (let i = 0; i < count + 12 && order.length < count; i += 1) {
    await page.keyboard.press('Tab');
    const f = await focused();
    if (!f) break;
    assert.ok(f.ring, `${name}: no visible focus ring on ${f.what}`);
    assert.ok(f.inside, `${name}: ${f.what} has focus outside the window`);
    if (!(f.parts && order.at(-1) === f.key)) order.push(f.key);
  }
  assert.deepEqual(order, Array.from({ length: count }, (_, i) => String(i)), `${name}: Tab order is not the reading order`);
  const back = [];
  for (let i = 0; i < count + 12 && back.length < count - 1; i += 1) {
    await page.keyboard.press('Shift+Tab');
    const f = await focused();
    if (!(f?.parts && (back.at(-1) ?? order.at(-1)) === f.key)) back.push(f?.key);
  }
  assert.deepEqual(back, Array.from({ length: count - 1 }, (_, i) => String(count - 2 - i)), `${name}: Shift+Tab does not walk back`);
  await page.keyboard.press('Escape');
  assert.equal((await focused())?.key, '0', `${name}: Escape moved focus`);
  // The draw's rows fade in one by one: axe-core judges their colours once they are in.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  assert.deepEqual(await axeViolations(page), [], `axe-core on ${name}`);
  await page.screenshot({ path: path.join(SHOTS, `keyboard-${name}.png`), fullPage: true });
}

/** From the page's heading, a main navigation link by Shift+Tab, then Enter. */
async function nav(label, heading) {
  await page.evaluate(() => document.querySelector('main h1')?.focus());
  await tabTo((f) => f.text === label && f.href?.startsWith('#/'), { back: true, then: 'Enter' });
  await arrived(heading);
}

test('every page by keyboard alone', { timeout: 600_000 }, async () => {
  await page.goto(link);
  await arrived('工作台');

  // The skip link is the first stop and is visible when focused; Enter moves focus into the content.
  const skip = await tabTo(named('跳到正文'), { back: true });
  assert.ok(skip.inside, 'the skip link shows when focused');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), null, 'nothing comes before the skip link');
  await page.keyboard.press('Tab');
  assert.equal((await focused())?.text, '跳到正文');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.getElementById('main').contains(document.activeElement)), 'Tab after the skip link stays in the content');
  await walk('dashboard');

  // 抽查计划: the list, the wizard (Space ticks a box; Enter submits; focus goes to the first error).
  await nav('抽查计划', '抽查计划');
  await walk('plans');
  await tabTo(named('新建抽查计划'), { then: 'Enter' });
  await arrived('新建抽查计划');
  // A radio group is one Tab stop; the arrow keys choose.
  await tabTo(named(/^不定向抽查/), { then: 'ArrowDown' });
  assert.ok(await page.getByLabel('定向抽查（按条件筛选）').isChecked(), 'ArrowDown chooses 定向抽查');
  await page.getByLabel('行政区划代码').waitFor();
  await tabTo(named('保存为草稿'), { then: 'Enter' });
  await page.getByText('请填写计划编号').waitFor();
  // The page moves focus after it renders the messages (a zero-delay timer): wait for it, bounded.
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true', null, { timeout: 5000 })
    .catch(() => assert.fail('focus goes to the first field in error'));
  await walk('plan-new');

  // The demo's drawn plan: its page, the notice, the ceremony, a result form.
  await nav('抽查计划', '抽查计划');
  await tabTo((f) => f.href === '#/plans/PT-2026-DEMO', { then: 'Enter' });
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  await page.getByRole('link', { name: '打印抽查公告' }).waitFor();
  await walk('plan-detail');
  await tabTo(named('打印抽查公告'), { then: 'Enter' });
  await arrived(/的公告/);
  await walk('notice');
  await tabTo(named('返回计划'), { then: 'Enter' });
  await tabTo(named('查看抽取现场'), { then: 'Enter' });
  await page.getByText('承诺值（抽取前已公示）').waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  await walk('draw');
  await tabTo(named('返回计划'), { then: 'Enter' });
  await tabTo(named(/^录入检查结果：/), { then: 'Enter' });
  await arrived('录入抽查结果');
  await tabTo(named('保存检查结果'), { then: 'Space' });
  await page.getByText('请选择检查结果').waitFor();
  await walk('result-form');

  // The public view of the plan, reached from its page.
  await tabTo(named('取消'), { then: 'Enter' });
  await tabTo(named('查看公开信息'), { then: 'Enter' });
  await arrived(/公开信息：/);
  await walk('public');

  // 行政处罚: the list and the form, whose disclosure part opens with Space.
  await page.evaluate(() => { location.hash = '#/'; });
  await arrived('工作台');
  await nav('行政处罚', '行政处罚');
  await walk('penalties');
  await tabTo(named('录入行政处罚决定'), { then: 'Enter' });
  await arrived('录入行政处罚决定');
  await tabTo(named('填写信用信息公示（信用中国）'), { then: 'Space' });
  await page.getByLabel('行政相对人类别').waitFor();
  await walk('penalty-form');

  // 我的待审: the user's own drafts awaiting approval (none for this user: nothing is saved here).
  await nav('我的待审', '我的待审记录');
  await page.getByText('暂无待审核的记录。').waitFor();
  await walk('drafts');

  await nav('审核', '审核');
  await walk('approvals');

  // 名录管理: a search typed and submitted with Enter.
  await nav('名录管理', '名录管理');
  await tabTo(named('名称、统一社会信用代码或许可证号'));
  await page.keyboard.type('91350302MA00000ETT');
  await page.keyboard.press('Enter');
  await page.getByRole('cell', { name: '莆田宁海商务旅行社有限公司' }).waitFor();
  await walk('registries');

  await nav('审计日志', '审计日志');
  await walk('audit');

  // 退出登录 with Space: the sign-in page, by keyboard too.
  await tabTo(named('退出登录'), { back: true, then: 'Space' });
  await arrived('登录');
  assert.equal(await page.getByRole('navigation', { name: '主导航' }).count(), 0, 'signed out: no navigation');
  assert.equal(await page.getByRole('button', { name: '退出登录' }).count(), 0, 'signed out: no user in the header');
  await walk('signin');
});
