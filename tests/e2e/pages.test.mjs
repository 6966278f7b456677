// Every page in Debian's Chromium: axe-core finds no WCAG 2.1 AA violation,
// the page works without JavaScript, the skip link comes first, and the
// Content-Security-Policy is never violated (no inline script or style).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const PAGES = [
  { path: '/', heading: 'Välkommen till Nära' },
  { path: '/kommun/helsingborg', heading: 'Socialtjänsten i Helsingborg' },
  { path: '/kommun/bjuv', heading: 'Socialtjänsten i Bjuv' },
  { path: '/om/tillganglighet', heading: 'Tillgänglighetsredogörelse för Nära' },
  { path: '/finns-inte', heading: 'Sidan finns inte', status: 404 },
  { path: '/%ff', heading: 'Något i förfrågan var fel', status: 400 },
];

let server, browser, userDataDir;
before(async () => {
  prepareDatabase();
  server = await startServer();
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

async function audit(page) {
  // The CSP forbids inline script, as it should: axe is evaluated through
  // the DevTools protocol, which the page's policy does not govern.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

for (const lang of ['sv', 'en']) {
  for (const p of PAGES) {
    test(`${p.path} (${lang}): no axe violations, no CSP errors, skip link first`, async () => {
      const page = await browser.newPage();
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.setExtraHTTPHeaders({ 'Accept-Language': lang });
      const resp = await page.goto(server.base + p.path);
      assert.equal(resp.status(), p.status || 200);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      if (lang === 'sv') assert.equal((await page.textContent('h1')).trim(), p.heading);
      const violations = await audit(page);
      assert.deepEqual(violations, []);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
      assert.equal(focused, '#main');
      // The design system's CSS and ours are loaded (not blocked by the CSP).
      const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.cssRules.length));
      assert.equal(sheets.length, 3);
      for (const n of sheets) assert.ok(n > 0);
      assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), []);
      await page.close();
    });
  }
}

test('pages work without JavaScript, and the language switch too', async () => {
  const ctxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-nojs-'));
  const ctx = await chromium.launchPersistentContext(ctxDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    javaScriptEnabled: false,
    locale: 'sv-SE',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await ctx.newPage();
    await page.goto(`${server.base}/`);
    await page.click('text=Bjuv');
    assert.equal(new URL(page.url()).pathname, '/kommun/bjuv');
    assert.equal((await page.textContent('h1')).trim(), 'Socialtjänsten i Bjuv');
    await page.click('text=In English');
    assert.equal(new URL(page.url()).pathname, '/kommun/bjuv');
    assert.equal((await page.textContent('h1')).trim(), 'Social services in Bjuv');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.click('text=På svenska');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    await page.screenshot({ path: path.join(os.tmpdir(), 'nara-bjuv.png'), fullPage: true });
  } finally {
    await ctx.close();
    fs.rmSync(ctxDir, { recursive: true, force: true });
  }
});

test('a phone-sized screen needs no sideways scrolling', async () => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${server.base}/kommun/helsingborg`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await page.close();
});
