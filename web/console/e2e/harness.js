// What the console's browser tests share: the output of the `spotcheck serve --demo` that
// scripts/test.d/47-console.sh starts (CONSOLE_SERVER_OUT: its address and sign-in links), Debian's
// headless Chromium (never a downloaded browser), a signed-in page, and the check every view gets:
// axe-core finds no violation, the page does not scroll sideways at 1280 or 390 px, and screenshots
// go to $SCREENSHOT_DIR.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const OUT = process.env.CONSOLE_SERVER_OUT;
export const SHOTS = process.env.SCREENSHOT_DIR ?? path.resolve('../../target/console-screenshots');
if (!OUT || !fs.existsSync(OUT)) throw new Error(`CONSOLE_SERVER_OUT must name the output of serve --demo (got ${OUT})`);
fs.mkdirSync(SHOTS, { recursive: true });

/** What the server printed. */
export const printed = fs.readFileSync(OUT, 'utf8');
/** The one-time sign-in links it printed, by user. */
export const links = Object.fromEntries([...printed.matchAll(/^\s+\S+ (\S+) \([^)]*\): (http\S+\/console\/signin#ticket=[0-9a-f]+)$/gm)].map((m) => [m[1], m[2]]));
/** Its address. */
export const base = /listening on (http:\/\/\S+)/.exec(printed)?.[1];

/** Headless Chromium from Debian's package. */
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A new page in Chinese and Beijing time, failing the test on any page error. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  return page;
}

/** `who` signed in with their link, on the 工作台. */
export async function signIn(browser, who) {
  assert.ok(links[who], `no sign-in link for ${who}: ${printed}`);
  const page = await newPage(browser);
  await page.goto(links[who]);
  await page.getByRole('heading', { level: 1, name: '工作台' }).waitFor();
  return page;
}

/** axe-core's violations on the page as it is now (injected once per document). */
export async function axeViolations(page) {
  await page.addScriptTag({ content: AXE });
  // eslint-disable-next-line no-undef
  const r = await page.evaluate(async () => axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** axe-core on the page as it is now, and no sideways scrolling at 1280 and 390 px; a screenshot. */
export async function check(page, name) {
  await page.waitForSelector('h1');
  assert.deepEqual(await axeViolations(page), [], `axe-core on ${name}`);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at ${width}px`);
    if (width === 390) await page.screenshot({ path: path.join(SHOTS, `${name}-390.png`), fullPage: true });
  }
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
