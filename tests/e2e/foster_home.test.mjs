// The foster-home centre in Chromium, axe on every page: a family in
// Höganäs sends an inquiry from the public web (first with nothing filled
// in), the centre's staff in Ängelholm assess it step by step and approve
// the home; a Bjuv case officer places a child in an emergency home and
// asks the centre for a foster home with a needs profile; the centre
// proposes the Höganäs home; the officer chooses it and the worklist shows
// the six-month clock stopped (R1.7).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Demo } from '../lib/demo.mjs';
import { Client } from '../lib/login.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, browser, dir;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-foster-'));
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

async function login(page, username, next) {
  await page.goto(`${server.base}/login?next=${encodeURIComponent(next)}`);
  await page.click(`button:has-text("· ${username}")`);
  await page.waitForURL((u) => u.pathname === next);
}

async function logout(page) {
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);
}

function isoDaysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

// A Bjuv child case with no placement yet, as the officer finds it.
async function freeChildCase(page) {
  await page.goto(`${server.base}/arbete`);
  const hrefs = [...new Set(await page.$$eval('a[href^="/arbete/arende/"]', (as) => as.map((a) => a.getAttribute('href'))))];
  for (const href of hrefs) {
    await page.goto(server.base + href);
    if (!(await page.$(`a[href="${href}/placering"]`))) continue;
    await page.goto(`${server.base}${href}/placering`);
    if ((await page.textContent('main')).includes('Inga placeringar.')) return href;
  }
  throw new Error('no Bjuv child case without a placement');
}

test('an inquiry becomes a home in Höganäs, a Bjuv child moves there from an emergency home, the clock stops', async () => {
  const family = `Familjen Lind ${Date.now()}`;
  const page = await browser.newPage();

  // The public web, without logging in: from Höganäs's page to the form.
  await page.goto(`${server.base}/kommun/hoganas`);
  await page.click('a:has-text("Bli familjehem")');
  assert.equal(await page.inputValue('#f-residence'), 'hoganas');
  assert.deepEqual(await axe(page), []);
  const empty = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.selectOption('#f-residence', '');
  await page.click('button:has-text("Skicka intresseanmälan")');
  assert.equal((await empty).status(), 400);
  assert.match(await page.textContent('#e-name'), /Skriv ditt namn/);
  assert.match(await page.textContent('#e-interests'), /minst ett alternativ/);
  assert.deepEqual(await axe(page), []);
  await page.fill('#f-name', family);
  await page.fill('#f-email', 'lind@example.se');
  await page.selectOption('#f-residence', 'hoganas');
  await page.check('#f-interest_foster');
  await page.fill('#f-message', 'Vi har ett stort hus och vuxna barn.');
  await page.click('button:has-text("Skicka intresseanmälan")');
  await page.waitForURL(/\/familjehem\/intresse\/tack$/);
  assert.match(await page.textContent('h1'), /Tack/);
  assert.deepEqual(await axe(page), []);

  // The centre: the inquiry, six steps, the approval.
  await login(page, 'angelholm.familjehemscentrum', '/arbete');
  await page.click('a:has-text("Familjehemscentrum")');
  await page.waitForURL(/\/familjehemscentrum$/);
  assert.deepEqual(await axe(page), []);
  await page.click(`a:has-text("${family}")`);
  await page.waitForURL(/\/familjehemscentrum\/intresse\/\d+$/);
  assert.match(await page.textContent('#state'), /Ny/);
  assert.match(await page.textContent('main'), /Alla steg|när alla steg är klara/);
  assert.deepEqual(await axe(page), []);
  for (const step of ['first_talk', 'home_visit', 'references', 'register_checks', 'training', 'report']) {
    await page.fill(`#f-note-${step}`, `Klart: ${step}.`);
    await page.click(`#step-${step} button:has-text("Markera som klart")`);
    await page.waitForLoadState('load');
    assert.match(await page.textContent(`#step-${step}`), /Klart/);
  }
  assert.match(await page.textContent('#state'), /Utreds/);
  assert.deepEqual(await axe(page), []);
  await page.check('#f-kind_foster');
  await page.fill('#f-places', '1');
  await page.fill('#f-age_min', '3');
  await page.fill('#f-age_max', '12');
  await page.check('#f-need_trauma');
  await page.click('#form-approve button:has-text("Godkänn")');
  await page.waitForLoadState('load');
  assert.match(await page.textContent('#state'), /Godkänd/);
  assert.deepEqual(await axe(page), []);
  await page.click('a:has-text("Familjehemscentrum")');
  const registerRow = await page.textContent(`#register-list tr:has-text("${family}")`);
  assert.match(registerRow, /Höganäs/);
  assert.match(registerRow, /lediga 1/);
  await logout(page);

  // The Bjuv officer: an emergency home 40 days ago, then a request.
  await login(page, 'bjuv.handlaggare', '/arbete');
  const caseHref = await freeChildCase(page);
  assert.deepEqual(await axe(page), []);
  await page.fill('#f-home', 'Jourhemmet Ek');
  await page.fill('#f-from', isoDaysAgo(40));
  await page.click('button:has-text("Spara jourhemsplacering")');
  await page.waitForLoadState('load');
  assert.match(await page.textContent('#foster-clocks'), /Familjehem inom sex månader: .*kvar/);
  assert.match(await page.textContent('#placement-list'), /Jourhemmet Ek/);
  assert.deepEqual(await axe(page), []);
  await page.fill('#f-age', '8');
  await page.check('#f-sex-girl');
  await page.check('#f-need_trauma');
  await page.check('#f-emergency_now');
  await page.click('button:has-text("Skicka förfrågan")');
  await page.waitForLoadState('load');
  const matchId = (await page.getAttribute('.nara-match', 'id')).slice('match-'.length);
  assert.match(await page.textContent(`#match-${matchId}`), /Väntar på förslag/);
  assert.deepEqual(await axe(page), []);
  await page.goto(server.base + '/arbete');
  assert.match(await page.textContent(`tr:has(a[href="${caseHref}"])`), /Familjehem inom sex månader/);
  await logout(page);

  // The centre sees the profile (no name), proposes the Höganäs home.
  await login(page, 'angelholm.familjehemscentrum', '/arbete');
  await page.goto(`${server.base}/familjehemscentrum`);
  await page.click(`a[href="/familjehemscentrum/matchning/${matchId}"]`);
  await page.waitForURL(/\/matchning\/\d+$/);
  const profile = await page.textContent('#profile');
  assert.match(profile, /Bjuv/);
  assert.match(profile, /8 år/);
  assert.doesNotMatch(await page.textContent('main'), /BJUV-\d{4}-/);
  assert.deepEqual(await axe(page), []);
  const card = page.locator(`li.ds-card:has(h3:has-text("${family}"))`);
  await card.locator('textarea').fill('Två vuxna, erfarna av tonåringar.');
  await card.locator('button:has-text("Föreslå hemmet")').click();
  await page.waitForLoadState('load');
  assert.match(await page.textContent('#proposal-list'), /Höganäs: Familjehem/);
  assert.deepEqual(await axe(page), []);
  await logout(page);

  // The officer chooses it: the child moves, the clock stops.
  await login(page, 'bjuv.handlaggare', '/arbete');
  await page.goto(`${server.base}${caseHref}/placering`);
  const match = page.locator(`#match-${matchId}`);
  assert.match(await match.textContent(), /Föreslaget hem i Höganäs/);
  assert.match(await match.textContent(), /Två vuxna, erfarna av tonåringar/);
  assert.deepEqual(await axe(page), []);
  await match.locator('button:has-text("Välj hemmet")').click();
  await page.waitForLoadState('load');
  assert.match(await page.textContent('#placement-list'), /Familjehem i Höganäs/);
  assert.match(await page.textContent('#foster-clocks'), /Familjehem inom sex månader: Klar/);
  assert.match(await page.textContent('#foster-clocks'), /Nästa uppföljning/);
  assert.deepEqual(await axe(page), []);
  await page.goto(server.base + '/arbete');
  const row = await page.textContent(`tr:has(a[href="${caseHref}"])`);
  assert.match(row, /Familjehem inom sex månader: Klar/);
  assert.match(row, /Nästa uppföljning/);
  assert.deepEqual(await axe(page), []);
  await page.close();
});

// A home approved with its foster parent's personnummer, over plain HTTP.
async function approvedHomeFor(pnr, family) {
  const csrf = (html) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const anyone = new Client(server.base);
  const form = await (await anyone.get('/familjehem/intresse')).text();
  await anyone.post('/familjehem/intresse', { csrf: csrf(form), name: family, email: 'x@example.se',
    residence: 'hoganas', interest_foster: '1' });
  const centre = new Client(server.base);
  await centre.loginAs(/ · angelholm\.familjehemscentrum$/);
  const list = await (await centre.get('/familjehemscentrum')).text();
  const id = new RegExp(`href="/familjehemscentrum/intresse/(\\d+)">${family}<`).exec(list)[1];
  const page = await (await centre.get(`/familjehemscentrum/intresse/${id}`)).text();
  const today = new Date().toISOString().slice(0, 10);
  for (const step of ['first_talk', 'home_visit', 'references', 'register_checks', 'training', 'report']) {
    const res = await centre.post(`/familjehemscentrum/intresse/${id}/steg`, { csrf: csrf(page), step, done_on: today, note: '' });
    assert.equal(res.status, 303);
  }
  const res = await centre.post(`/familjehemscentrum/intresse/${id}/beslut`, { csrf: csrf(page), decision: 'approve',
    kind_foster: '1', places: '1', age_min: '0', age_max: '17', personnummer: pnr, note: '' });
  assert.equal(res.status, 303);
}

test('after hours: a foster parent writes and asks to be called; the centre on call sees both and handles the call', async () => {
  const pnrs = await new Demo(server.base).pnrs(/, Höganäs$/);
  const pnr = pnrs[pnrs.length - 1];
  await approvedHomeFor(pnr, `Familjen Ek ${Date.now()}`);
  const text = `Barnet vaknar varje natt ${Date.now()}.`;
  const page = await browser.newPage();
  await page.goto(`${server.base}/login?next=%2Fmina-sidor`);
  await page.click(`button[value="citizen:${pnr}"]`);
  await page.waitForURL(/\/mina-sidor$/);
  await page.click('a:has-text("Stöd till familjehem")');
  await page.waitForURL(/\/mina-sidor\/familjehem$/);
  assert.deepEqual(await axe(page), []);
  // A message without text: told what to do.
  const empty = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.click('#form-support button[type="submit"]');
  assert.equal((await empty).status(), 400);
  assert.match(await page.textContent('#error-summary'), /Skriv ditt meddelande/);
  assert.deepEqual(await axe(page), []);
  await page.fill('#f-body', text);
  await page.click('#form-support button[type="submit"]');
  await page.waitForURL(/skickat=1$/);
  assert.match(await page.textContent('[role="status"]'), /kommit fram/);
  await page.check('#f-kind-call');
  await page.fill('#f-phone', '070-123 45 67');
  await page.click('#form-support button[type="submit"]');
  await page.waitForURL(/skickat=1$/);
  const mine = await page.textContent('#support-list');
  assert.match(mine, /Bli uppringd \(så snart som möjligt\)/);
  assert.match(mine, /Väntar/);
  assert.deepEqual(await axe(page), []);
  await logout(page);

  await login(page, 'angelholm.familjehemscentrum', '/arbete');
  await page.goto(`${server.base}/familjehemscentrum`);
  await page.click('a:has-text("Jour: stöd till familjehem")');
  await page.waitForURL(/\/familjehemscentrum\/stod$/);
  assert.match(await page.textContent('#support-list'), new RegExp(text));
  assert.deepEqual(await axe(page), []);
  const card = page.locator('li.ds-card:has-text("070-123 45 67")').first();
  await card.locator('button:has-text("Markera som hanterat")').click();
  await page.waitForURL(/\/familjehemscentrum\/stod$/);
  assert.match(await page.textContent('#support-list'), /Hanterat/);
  assert.deepEqual(await axe(page), []);
  await logout(page);
  await page.close();
});
