// The citizen's case in Chromium, two browser contexts at once: the case
// page is open in one; the same person writes a comment in the other; the
// first shows it within a second without a reload, keeps the keyboard
// focus where it was and says so in its status region. The same page with
// JavaScript off shows everything on load. The PDF downloads and holds
// the released text and not the withheld. axe-core finds no WCAG 2.1 AA
// violation in any state, and the Content-Security-Policy is never broken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { demoAccount, demoCaseHref } from '../lib/democase.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, caseHref;
const contexts = [];
const dirs = [];
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  const probe = new Client(server.base);
  await probe.loginAs(new RegExp(`^${(await demoAccount(server.base)).value}$`));
  caseHref = await demoCaseHref(probe);
});
after(async () => {
  for (const c of contexts) await c.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

async function browserContext(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-mycase-'));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'sv-SE',
    acceptDownloads: true,
    args: ARGS,
    ...options,
  });
  contexts.push(ctx);
  return ctx;
}

// axe through the DevTools protocol, which the page's CSP does not govern.
async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

// Waits until the server has at least n event streams open.
async function waitForStreams(n) {
  for (let i = 0; i < 200; i++) {
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    if (Number(/^nara_live_streams (\d+)$/m.exec(metrics)[1]) >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${n} event streams open after 5 s`);
}

// Logs in through the development login as the demo citizen (the first
// Helsingborg citizen without protected identity) and opens the case.
async function openCase(ctx) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.base}/mina-sidor`);
  await page.locator('button', { hasText: /, Helsingborg$/ }).first().click();
  await page.waitForURL(/\/mina-sidor$/);
  await page.click(`a[href="${caseHref}"]`);
  await page.waitForURL((url) => url.pathname === caseHref);
  return { page, errors };
}

test('a change in another browser shows within a second, without a reload, with focus kept', async (t) => {
  const first = await browserContext();
  const { page, errors } = await openCase(first);
  assert.match(await page.textContent('h1'), /^Ärende HELSINGBORG-\d{4}-\d{6}$/);
  assert.match(await page.textContent('#innehall'), /svårt att klara vardagen/);
  assert.deepEqual(await axe(page), []);
  // The page's stream is open (the server counts it) before the change.
  await waitForStreams(1);
  // A mark that a reload would wipe out, and the focus on a link in the region.
  await page.evaluate(() => { window.notReloaded = true; });
  const link = page.locator('#innehall a[href*="?om="]').first();
  const linkHref = await link.getAttribute('href');
  await link.focus();

  const second = await browserContext();
  const other = await openCase(second);
  const words = `Skrivet i den andra webbläsaren ${Date.now()}`;
  // The first page notes the moment the words appear (both browsers and
  // this process read the same clock).
  await page.evaluate((text) => {
    const region = document.getElementById('innehall');
    new MutationObserver(() => {
      if (!window.shownAt && region.textContent.includes(text)) window.shownAt = Date.now();
    }).observe(region, { childList: true, subtree: true, characterData: true });
  }, words);
  await other.page.fill('#comment-text', words);
  const sent = Date.now();
  await other.page.click('button:has-text("Spara kommentaren")');
  await other.page.waitForURL(/\?sparat=kommentar$/);
  assert.match(await other.page.textContent('main'), /Din kommentar är sparad i ärendet\./);
  assert.deepEqual(await axe(other.page), []);

  await page.waitForFunction(() => window.shownAt, null, { timeout: 5000, polling: 50 });
  const shownAfter = (await page.evaluate(() => window.shownAt)) - sent;
  t.diagnostic(`the comment showed in the other browser ${shownAfter} ms after it was sent`);
  assert.ok(shownAfter < 1000, `shown ${shownAfter} ms after the comment was sent`);
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'no reload');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.length > 0, null, { timeout: 1000 });
  assert.equal((await page.textContent('#live-status')).trim(), 'Ärendet har uppdaterats med ny information.');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), linkHref,
    'the focus stays on the link it was on');
  // The new version is what the page now shows.
  const version = Number(await page.getAttribute('#innehall', 'data-version'));
  assert.ok(version > 1);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), []);

  // An error, in the other browser: the text is kept, the message at the field.
  await other.page.fill('#comment-text', '   ');
  await other.page.click('button:has-text("Spara kommentaren")');
  await other.page.waitForSelector('#comment-error');
  assert.equal(await other.page.getAttribute('#comment-text', 'aria-invalid'), 'true');
  assert.deepEqual(await axe(other.page), []);
  await page.close();
  await other.page.close();
});

test('without JavaScript the page shows everything on load', async () => {
  const ctx = await browserContext({ javaScriptEnabled: false });
  const { page } = await openCase(ctx);
  const text = await page.textContent('main');
  for (const s of ['svårt att klara vardagen', 'Rättelse:', 'Inför mötet', 'Så överklagar du', 'Vem har läst ärendet',
    'Skrivet i den andra webbläsaren']) {
    assert.ok(text.includes(s), `shows ${s}`);
  }
  for (const s of ['Karin Lindqvist', 'förlorat sitt arbete', 'Planering inför uppföljningen']) {
    assert.ok(!text.includes(s), `never shows ${s}`);
  }
  // The objection form works without a script: choose, write, save.
  await page.selectOption('#wrong-note', { index: 1 });
  await page.fill('#wrong-text', 'Det stämmer inte, vi sågs hemma.');
  await page.click('button:has-text("Spara att anteckningen är fel")');
  await page.waitForURL(/\?sparat=fel$/);
  assert.match(await page.textContent('main'), /Du säger att något är fel/);
  await page.close();
});

test('the PDF downloads with the released text and not the withheld', async () => {
  const ctx = await browserContext();
  const { page } = await openCase(ctx);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a[href$="/pdf"]'),
  ]);
  assert.match(download.suggestedFilename(), /^HELSINGBORG-\d{4}-\d{6}\.pdf$/);
  const file = path.join(dirs[dirs.length - 1], 'case.pdf');
  await download.saveAs(file);
  const text = spawnSync('pdftotext', ['-q', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.equal(text.status, 0, text.stderr);
  const flat = text.stdout.replace(/\s+/g, ' ');
  for (const s of ['svårt att klara vardagen', 'Rättelse: vi bestämde', 'förvaltningsrätten', 'Ärende HELSINGBORG-']) {
    assert.ok(flat.includes(s), `the PDF has ${s}`);
  }
  for (const s of ['Karin Lindqvist', '070-174 06 42', 'förlorat sitt arbete', 'Planering inför uppföljningen']) {
    assert.ok(!flat.includes(s), `the PDF never has ${s}`);
  }
  assert.deepEqual(await axe(page), []);
  await page.close();
});
