// The walls in Chromium, as people click through them, axe on every page:
// a case officer meets another unit's person, reads why the record is
// closed, gives too short a reason, then a real one, and sees the record
// for this one view; a guardian opens their young child's page; someone
// who logs in too often gets the 429 page. The break-the-glass form works
// with JavaScript switched off, too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Demo } from '../lib/demo.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, browser, dir, demo;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  demo = new Demo(server.base);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-walls-'));
  browser = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'sv-SE',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

// axe runs through the DevTools protocol, which the page's CSP does not
// govern (with the page's JavaScript switched off it cannot run at all).
async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

async function logout(page) {
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);
}

test('break-the-glass: the refusal, the form, a reason too short, a real one, the record once', async () => {
  const [, pnr] = await demo.pnrs(/, Bjuv$/); // in Vuxen's caseload
  const page = await browser.newPage();
  await page.goto(`${server.base}/login?next=%2Farbete`);
  await page.click('button:has-text("bjuv.handlaggare")');
  await page.fill('#pnr', pnr);
  await page.click('button:has-text("Sök")');
  assert.match(await page.textContent('main'), /personen hör till en annan verksamhet i kommunen/);
  assert.deepEqual(await axe(page), []);

  const refused = page.waitForResponse((r) => /\/arbete\/person\/\d+$/.test(r.url()));
  await page.click('a:has-text("Öppna med ett angivet skäl")');
  assert.equal((await refused).status(), 403);
  assert.equal((await page.textContent('h1')).trim(), 'Personen hör till en annan verksamhet');
  assert.deepEqual(await axe(page), []);

  await page.fill('#reason', 'Akut oro nu');
  const short = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.click('button:has-text("Öppna uppgifterna")');
  assert.equal((await short).status(), 400);
  assert.match(await page.textContent('#reason-error'), /minst en hel mening/);
  assert.equal(await page.getAttribute('#reason', 'aria-invalid'), 'true');
  assert.deepEqual(await axe(page), []);

  await page.fill('#reason', 'Polisen ringde i natt om akut oro och jag har socialjouren.');
  await page.click('button:has-text("Öppna uppgifterna")');
  assert.match(await page.textContent('main'), /Du har öppnat uppgifterna med ett angivet skäl/);
  assert.match(await page.textContent('main'), /Verksamhet\s*Vuxen/);
  assert.deepEqual(await axe(page), []);

  // For this one view: going back to the record's address is refused again.
  const again = await page.goto(page.url());
  assert.equal(again.status(), 403);
  await logout(page);
  await page.close();
});

test('a guardian sees their young child\'s page and who has read it', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/login`);
  await page.click('button:has-text("Sara Lind, Bjuv")');
  assert.equal(new URL(page.url()).pathname, '/mina-sidor');
  assert.match(await page.textContent('main'), /Barn som du är vårdnadshavare för/);
  assert.deepEqual(await axe(page), []);
  await page.click('main a:has-text("Alva Lind")');
  assert.match(new URL(page.url()).pathname, /^\/mina-sidor\/barn\/\d+$/);
  assert.equal((await page.textContent('h1')).trim(), 'Alva Lind');
  assert.match(await page.textContent('main'), /Vem har läst barnets uppgifter/);
  assert.deepEqual(await axe(page), []);
  await logout(page);
  await page.close();
});

test('too many logins: the 429 page says when to try again', async () => {
  const limited = await startServer({ NARA_DEV_LOGIN: '1', NARA_RATE_LOGIN: '1/60' });
  try {
    const page = await browser.newPage();
    await page.goto(`${limited.base}/login`);
    await page.click('button:has-text("bjuv.handlaggare")');
    await page.goto(`${limited.base}/login`);
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.click('button:has-text("bjuv.handlaggare")');
    assert.equal((await response).status(), 429);
    assert.equal((await page.textContent('h1')).trim(), 'För många försök');
    // The wait counts down from 60; a loaded machine may take a second
    // between the two logins.
    assert.match(await page.textContent('main'), /Vänta (60|5\d) sekunder och försök sedan igen/);
    assert.deepEqual(await axe(page), []);
    await page.close();
  } finally {
    const r = await stopServer(limited);
    assert.equal(r.code, 0, limited.stderr.slice(-2000));
  }
});

test('the break-the-glass form works without JavaScript', async () => {
  const [, pnr] = await demo.pnrs(/, Bjuv$/);
  const ctxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-walls-nojs-'));
  const ctx = await chromium.launchPersistentContext(ctxDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    javaScriptEnabled: false,
    locale: 'sv-SE',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await ctx.newPage();
    await page.goto(`${server.base}/login?next=%2Farbete`);
    await page.click('button:has-text("bjuv.handlaggare")');
    await page.goto(`${server.base}/arbete?pnr=${pnr}`);
    await page.click('a:has-text("Öppna med ett angivet skäl")');
    await page.fill('#reason', 'Barnet placerades akut i natt och jag behöver nå den vuxne.');
    await page.click('button:has-text("Öppna uppgifterna")');
    assert.match(await page.textContent('main'), /Du har öppnat uppgifterna med ett angivet skäl/);
    await logout(page);
  } finally {
    await ctx.close();
    fs.rmSync(ctxDir, { recursive: true, force: true });
  }
});
