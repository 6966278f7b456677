// Logging in through real OpenID Connect providers in Chromium, through
// their own login pages: a citizen with e-ID lands on their pages; case
// officers of Bjuv and Helsingborg, linked with `nara user link`, log in
// through the staff IdP and each sees their own municipality's person and
// is refused the other's. Our pages on the way (the login page, the pages
// of refused logins) pass axe.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { cli, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { identityProviders } from '../lib/oidc.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, idp, browser, dir, accounts;
before(async () => {
  prepareDatabase();
  idp = await identityProviders();
  // The development login too, for its list of demo citizens.
  server = await startServer({ ...idp.env, NARA_DEV_LOGIN: '1' });
  await idp.start(server.base);
  accounts = (await new Client(server.base).accounts()).list;
  for (const [user, sub] of [['bjuv.handlaggare', 'e2e-bjuv-hl'], ['helsingborg.handlaggare', 'e2e-hbg-hl']]) {
    const r = cli(['user', 'link', user, '--issuer', idp.staff.issuer, '--subject', sub]);
    assert.equal(r.status, 0, r.stderr);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-oidc-'));
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
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await idp?.stop();
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});
// Each journey is a new person at the computer: no cookie of nara's or of
// a provider's from the one before.
beforeEach(async () => { await browser.clearCookies(); });

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

const citizenOf = (municipality) => accounts
  .find((a) => a.value.startsWith('citizen:') && a.label.endsWith(`, ${municipality}`)).value.slice('citizen:'.length);

// At the provider's own pages: its development login, then its consent.
async function atProvider(page, issuer, user) {
  await page.waitForURL((u) => u.href.startsWith(`${issuer}/interaction/`));
  await page.fill('input[name="login"]', user);
  await page.fill('input[name="password"]', 'test');
  // The consent page is another interaction, at another address.
  const login = page.url();
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => u.href !== login);
  if (page.url().startsWith(`${issuer}/interaction/`)) await page.click('button[type="submit"]');
}

async function staffLogin(page, sub) {
  await page.goto(`${server.base}/arbete`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.click('a:has-text("Logga in som medarbetare")');
  await atProvider(page, idp.staff.issuer, sub);
  await page.waitForURL(`${server.base}/arbete`);
  assert.equal((await page.textContent('h1')).trim(), 'Mitt arbete');
}

// Finds a person of the officer's own municipality and opens them: their id.
async function openOwnPerson(page, pnr) {
  await page.fill('#pnr', pnr);
  await page.click('button:has-text("Sök")');
  await page.click('main a[href^="/arbete/person/"]');
  assert.match(await page.textContent('main'), /Att du har läst de här uppgifterna är loggat/);
  return /\/arbete\/person\/(\d+)/.exec(page.url())[1];
}

test('a citizen logs in with e-ID through the broker\'s pages and lands on their own pages', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/mina-sidor`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.deepEqual(await axe(page), []);
  await page.click('a:has-text("Logga in med e-legitimation")');
  await atProvider(page, idp.citizen.issuer, citizenOf('Klippan'));
  await page.waitForURL(`${server.base}/mina-sidor`);
  assert.equal((await page.textContent('h1')).trim(), 'Mina sidor');
  assert.match(await page.textContent('main'), /Klippan/);
  assert.deepEqual(await axe(page), []);
  const cookies = await browser.cookies(server.base);
  assert.ok(cookies.find((c) => c.name === 'nara_session' && c.httpOnly));
  assert.equal(cookies.find((c) => c.name === 'nara_oidc'), undefined);
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);
  await page.close();
});

test('case officers of Bjuv and Helsingborg each see their own municipality\'s person, never the other\'s', async () => {
  const page = await browser.newPage();
  await staffLogin(page, 'e2e-hbg-hl');
  const hbgId = await openOwnPerson(page, citizenOf('Helsingborg'));
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);

  await browser.clearCookies();
  await staffLogin(page, 'e2e-bjuv-hl');
  assert.deepEqual(await axe(page), []);
  const bjuvId = await openOwnPerson(page, citizenOf('Bjuv'));
  const refused = await page.goto(`${server.base}/arbete/person/${hbgId}`);
  assert.equal(refused.status(), 403);
  assert.equal((await page.textContent('h1')).trim(), 'Du har inte behörighet');
  assert.deepEqual(await axe(page), []);
  await page.goto(`${server.base}/arbete`);
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);

  await browser.clearCookies();
  await staffLogin(page, 'e2e-hbg-hl');
  const other = await page.goto(`${server.base}/arbete/person/${bjuvId}`);
  assert.equal(other.status(), 403);
  await page.goto(`${server.base}/arbete`);
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);
  await page.close();
});

test('the pages of a refused login say what to do, and pass axe', async () => {
  const page = await browser.newPage();
  // Staff whose login nobody in Nära is linked to.
  await page.goto(`${server.base}/login`);
  await page.click('a:has-text("Logga in som medarbetare")');
  await atProvider(page, idp.staff.issuer, 'e2e-okand');
  await page.waitForURL((u) => u.pathname === '/auth/callback');
  assert.equal((await page.textContent('h1')).trim(), 'Ditt konto är inte upplagt i Nära');
  assert.match(await page.textContent('main'), /e2e-okand/);
  assert.deepEqual(await axe(page), []);

  // A citizen whose e-ID carries no personnummer.
  await browser.clearCookies();
  await page.goto(`${server.base}/login`);
  await page.click('a:has-text("Logga in med e-legitimation")');
  await atProvider(page, idp.citizen.issuer, 'utan-personnummer');
  await page.waitForURL((u) => u.pathname === '/auth/callback');
  assert.equal((await page.textContent('h1')).trim(), 'Vi kunde inte läsa ditt personnummer');
  assert.deepEqual(await axe(page), []);

  // A callback that belongs to no login under way, and the way back.
  const res = await page.goto(`${server.base}/auth/callback?state=nope&code=nope`);
  assert.equal(res.status(), 400);
  assert.equal((await page.textContent('h1')).trim(), 'Inloggningen kunde inte slutföras');
  assert.deepEqual(await axe(page), []);
  await page.click('a:has-text("Till inloggningssidan")');
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.close();
});
