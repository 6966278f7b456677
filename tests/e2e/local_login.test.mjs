// Local accounts in Chromium, without the development login: the first
// administrator logs in with password and a TOTP code computed here; a
// second account turns on two-step verification by the QR code (read back
// from the screen with zbarimg, as a phone would) and logs in with it; a
// third is told it is locked and for how long. axe on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { LocalClient, PASSWORD, addLocalUser, freshStep, totp, uniqueName } from '../lib/local.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, browser, dir;
const admin = { username: uniqueName('helsingborg.forsta') };
const second = { username: uniqueName('helsingborg.andra') };
const third = { username: uniqueName('helsingborg.tredje') };

before(async () => {
  prepareDatabase();
  for (const u of [admin, second, third])
    addLocalUser({ municipality: 'helsingborg', username: u.username, name: 'Anna Admin' });
  server = await startServer();
  // The administrator set up TOTP earlier (the HTTP way; the browser way
  // is the second account's test).
  const c = new LocalClient(server.base);
  assert.equal((await c.loginLocal(admin.username, PASSWORD)).status, 303);
  Object.assign(admin, await c.enrol());
  await c.logout();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-local-'));
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

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

async function passwordStep(page, username, password) {
  await page.goto(`${server.base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('form[action="/login/local"] button[type="submit"]');
}

async function logout(page) {
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);
}

test('the first administrator logs in with password and a code', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/login`);
  assert.deepEqual(await axe(page), []);
  await passwordStep(page, admin.username, PASSWORD);
  assert.equal(new URL(page.url()).pathname, '/login/kod');
  assert.equal((await page.textContent('h1')).trim(), 'Skriv in koden från din app');
  assert.deepEqual(await axe(page), []);

  // A code already used (the one that confirmed the set-up) is refused.
  await page.fill('#code', totp(admin.secret, admin.step));
  await page.click('main button[type="submit"]');
  assert.match(await page.textContent('main'), /Koden stämmer inte, eller så har den redan använts/);
  assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
  assert.deepEqual(await axe(page), []);

  // As the app shows it, with a space.
  const code = totp(admin.secret, freshStep(admin.step));
  await page.fill('#code', `${code.slice(0, 3)} ${code.slice(3)}`);
  await page.click('main button[type="submit"]');
  assert.equal(new URL(page.url()).pathname, '/arbete');
  assert.equal((await page.textContent('h1')).trim(), 'Mitt arbete');
  assert.deepEqual(await axe(page), []);
  await page.click('a:has-text("Tvåstegsverifiering")');
  assert.match(await page.textContent('main'), /Tvåstegsverifiering är på/);
  assert.deepEqual(await axe(page), []);
  await logout(page);
  await page.close();
});

test('a second account turns on two-step verification with the QR code', async () => {
  const page = await browser.newPage();
  await passwordStep(page, second.username, PASSWORD);
  assert.equal(new URL(page.url()).pathname, '/arbete');
  await page.click('a:has-text("Tvåstegsverifiering")');
  assert.equal(new URL(page.url()).pathname, '/konto/tvastegsverifiering');
  assert.match(await page.textContent('main'), /Tvåstegsverifiering är avstängd/);
  assert.deepEqual(await axe(page), []);
  await page.click('button:has-text("Slå på tvåstegsverifiering")');
  assert.deepEqual(await axe(page), []);

  // The QR code, read off the screen as a phone's camera would.
  const uri = await page.getAttribute('#totp-uri', 'href');
  const secret = (await page.textContent('#totp-secret')).replace(/\s/g, '');
  assert.match(uri, /^otpauth:\/\/totp\/N%C3%A4ra%3AAnna%20Admin\?secret=[A-Z2-7]{32}&issuer=N%C3%A4ra&algorithm=SHA1&digits=6&period=30$/);
  assert.equal(new URL(uri).searchParams.get('secret'), secret);
  const png = path.join(dir, 'qr.png');
  await page.locator('img.nara-qr').screenshot({ path: png });
  const scan = spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' });
  assert.equal(scan.status, 0, scan.stderr);
  assert.equal(scan.stdout.trim(), uri);

  // A wrong code first: said plainly, TOTP still off.
  const step = freshStep(0);
  const wrong = String((Number(totp(secret, step)) + 1) % 1000000).padStart(6, '0');
  await page.fill('#code', wrong);
  await page.click('button:has-text("Slå på")');
  assert.match(await page.textContent('main'), /Koden stämmer inte/);
  assert.deepEqual(await axe(page), []);
  await page.fill('#code', totp(secret, step));
  await page.click('button:has-text("Slå på")');
  assert.match(await page.textContent('main'), /Klart! Tvåstegsverifiering är på/);
  assert.deepEqual(await axe(page), []);
  await logout(page);

  // From now on the password is not enough.
  await passwordStep(page, second.username, PASSWORD);
  assert.equal(new URL(page.url()).pathname, '/login/kod');
  await page.fill('#code', totp(secret, freshStep(step)));
  await page.click('main button[type="submit"]');
  assert.equal(new URL(page.url()).pathname, '/arbete');
  await logout(page);
  await page.close();
});

test('a wrong password is said plainly, and a locked account is told for how long', async () => {
  const page = await browser.newPage();
  await passwordStep(page, third.username, 'inte rätt lösenord');
  assert.match(await page.textContent('#local-error'), /Användarnamnet eller lösenordet stämmer inte/);
  assert.equal(await page.inputValue('#username'), third.username);
  assert.deepEqual(await axe(page), []);
  for (let i = 0; i < 3; i++) await passwordStep(page, third.username, `fel ${i}`);
  await passwordStep(page, third.username, 'fel igen');
  const text = await page.textContent('#local-error');
  assert.match(text, /Kontot är låst/);
  assert.match(text, /låst i 15 minuter till/);
  assert.deepEqual(await axe(page), []);
  await page.close();
});
