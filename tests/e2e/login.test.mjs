// Logged-in pages in Chromium, through the development login: a case
// officer searches and opens a person, is refused another municipality's,
// logs out; a citizen opens their own pages. axe on every page on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, browser, dir;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-login-'));
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

// Our pages carry no script of their own (nothing here needs it); axe is
// evaluated through the DevTools protocol, which the page's CSP does not govern.
async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

test('a case officer logs in, finds a person, is refused another municipality, logs out', async () => {
  const { list } = await new Client(server.base).accounts();
  const bjuvCitizen = list.find((a) => a.value.startsWith('citizen:') && a.label.endsWith(', Bjuv')).value.slice(8);
  const hbg = new Client(server.base);
  await hbg.loginAs(/helsingborg\.handlaggare$/);
  const hbgCitizen = list.find((a) => a.value.startsWith('citizen:') && a.label.endsWith(', Helsingborg')).value.slice(8);
  const hbgId = /person\/(\d+)/.exec(await (await hbg.get(`/arbete?pnr=${hbgCitizen}`)).text())[1];

  const page = await browser.newPage();
  await page.goto(`${server.base}/arbete`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.deepEqual(await axe(page), []);
  await page.click('button:has-text("bjuv.handlaggare")');
  assert.equal(new URL(page.url()).pathname, '/arbete');
  assert.equal((await page.textContent('h1')).trim(), 'Mitt arbete');
  assert.deepEqual(await axe(page), []);

  await page.fill('#pnr', bjuvCitizen);
  await page.click('button:has-text("Sök")');
  await page.click('main a[href^="/arbete/person/"]');
  assert.match(await page.textContent('main'), /Att du har läst de här uppgifterna är loggat/);
  assert.deepEqual(await axe(page), []);

  const refused = await page.goto(`${server.base}/arbete/person/${hbgId}`);
  assert.equal(refused.status(), 403);
  assert.equal((await page.textContent('h1')).trim(), 'Du har inte behörighet');
  assert.deepEqual(await axe(page), []);

  await page.goto(`${server.base}/arbete?pnr=1912`);
  assert.match(await page.textContent('main'), /Personnumret stämmer inte/);
  assert.deepEqual(await axe(page), []);

  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);
  await page.goto(`${server.base}/arbete`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.close();
});

test('the security officer\'s review page passes axe', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/arbete/granskning`);
  await page.click('button:has-text("klippan.sakerhet")');
  assert.equal(new URL(page.url()).pathname, '/arbete/granskning');
  assert.equal((await page.textContent('h1')).trim(), 'Granskning av loggen');
  assert.deepEqual(await axe(page), []);
  await page.check('#f-flagged');
  await page.click('button:has-text("Visa")');
  assert.deepEqual(await axe(page), []);
  await page.click('a:has-text("Mina inloggningar")');
  assert.equal((await page.textContent('h1')).trim(), 'Mina inloggningar');
  assert.deepEqual(await axe(page), []);
  await page.click('button:has-text("Logga ut överallt")');
  await page.waitForURL(/\/\?utloggad=1$/);
  assert.match(await page.textContent('main'), /Du är utloggad/);
  assert.deepEqual(await axe(page), []);
  await page.close();
});

test('a citizen logs in and reads their own pages', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/mina-sidor`);
  await page.click('button:has-text(", Klippan")');
  assert.equal(new URL(page.url()).pathname, '/mina-sidor');
  assert.equal((await page.textContent('h1')).trim(), 'Mina sidor');
  assert.match(await page.textContent('main'), /Vem har läst mina uppgifter/);
  assert.deepEqual(await axe(page), []);
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);
  await page.goto(`${server.base}/mina-sidor`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.close();
});
