// Support groups in Chromium: a Bjuv citizen finds an open group of
// Landskrona's shared unit in the catalogue, logs in, signs up and sees it
// on Mina sidor; the group's leader marks attendance; a full round puts
// the next citizen on the waiting list, and when the place is given up
// they move up and get an e-mail that names nothing of the group. axe-core
// finds no WCAG 2.1 AA violation on any page of the journey, and nothing
// breaks the Content-Security-Policy. The sign-up also works without
// JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { startMail, waitFor } from '../lib/mail.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, mail;
const contexts = [];
const dirs = [];
before(async () => {
  prepareDatabase();
  mail = await startMail();
  server = await startServer({
    NARA_DEV_LOGIN: '1', NARA_SMTP_URL: mail.url, NARA_MAIL_FROM: 'no-reply@nara.example.com',
    NARA_NOTICE_POLL_MS: '100',
  });
});
after(async () => {
  for (const c of contexts) await c.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  const r = await stopServer(server);
  await mail.close();
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

async function browserContext(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-groups-'));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, locale: 'sv-SE', args: ARGS, ...options,
  });
  contexts.push(ctx);
  return ctx;
}

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

async function newPage(ctx) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(m.text()); });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  return { page, errors };
}

// On the login page: the n-th citizen button of the town (from the end).
async function chooseCitizen(page, town, fromEnd) {
  const buttons = page.locator('button', { hasText: new RegExp(`, ${town}$`) });
  const label = await buttons.nth((await buttons.count()) - fromEnd).textContent();
  await buttons.nth((await buttons.count()) - fromEnd).click();
  return label;
}

async function loginStaff(page, username) {
  await page.goto(`${server.base}/arbete`);
  await page.locator('button', { hasText: new RegExp(` · ${username.replace('.', '\\.')}$`) }).click();
  await page.waitForURL(/\/arbete$/);
}

// From the catalogue to a group's page, filtered for the citizen's town.
async function findGroup(page, town, title, audit = true) {
  await page.goto(`${server.base}/`);
  await page.click('a[href="/stodgrupper"]');
  await page.waitForURL(/\/stodgrupper$/);
  if (audit) assert.deepEqual(await axe(page), []);
  await page.selectOption('#f-kommun', { label: town });
  await page.selectOption('#f-for', 'children');
  await page.click('button:has-text("Visa grupper")');
  await page.waitForURL(/\/stodgrupper\?kommun=/);
  if (audit) assert.deepEqual(await axe(page), []);
  await page.locator('a', { hasText: title }).first().click();
  await page.waitForURL(/\/stodgrupper\/\d+$/);
  if (audit) assert.deepEqual(await axe(page), []);
}

test('a Bjuv citizen finds a Landskrona group, signs up and sees it on Mina sidor; the leader marks attendance', async () => {
  const ctx = await browserContext();
  const { page, errors } = await newPage(ctx);
  await findGroup(page, 'Bjuv', 'Barn i familjer med missbruk');
  const groupUrl = page.url();
  assert.match(await page.textContent('main'), /Stödgrupper i nordvästra Skåne, Landskrona/);
  await page.click('a:has-text("Logga in för att anmäla dig")');
  await page.waitForURL(/\/login/);
  await chooseCitizen(page, 'Bjuv', 1);
  await page.waitForURL(groupUrl);
  assert.deepEqual(await axe(page), []);
  // A mistake first: said in words, on the same page.
  const form = page.locator('form[action$="/anmal"]').first();
  await form.locator('input[name="namn"]').fill('Berit Bjuvsdotter');
  await form.locator('input[name="epost"]').fill('');
  await form.locator('input[name="telefon"]').fill('');
  await form.locator('select[name="kommun"]').selectOption({ label: 'Bjuv' });
  await form.locator('button[type="submit"]').click();
  await page.waitForLoadState();
  assert.match(await page.textContent('main'), /Skriv din e-post eller ditt telefonnummer/);
  assert.deepEqual(await axe(page), []);
  // That answer was a 400 on purpose; nothing else may fail.
  assert.deepEqual(errors.splice(0).filter((e) => !/anmal$|status of 400/.test(e)), []);
  const again = page.locator('form[action$="/anmal"]').first();
  await again.locator('input[name="epost"]').fill('berit@example.com');
  await again.locator('select[name="kommun"]').selectOption({ label: 'Bjuv' });
  await again.locator('button[type="submit"]').click();
  await page.waitForURL(/\/mina-sidor\/grupper\?klart=anmald$/);
  const mine = await page.textContent('main');
  assert.match(mine, /Du har fått en plats i gruppen/);
  assert.match(mine, /Barn i familjer med missbruk/);
  assert.match(mine, /Du har en plats/);
  assert.deepEqual(await axe(page), []);
  // Reached from Mina sidor too.
  await page.goto(`${server.base}/mina-sidor`);
  await page.click('a[href="/mina-sidor/grupper"]');
  await page.waitForURL(/\/mina-sidor\/grupper$/);
  assert.deepEqual(errors, []);

  // The leader marks her present at the first meeting.
  const sctx = await browserContext();
  const staff = await newPage(sctx);
  await loginStaff(staff.page, 'landskrona.stodgrupper');
  await staff.page.click('a[href="/arbete/grupper"]');
  await staff.page.waitForURL(/\/arbete\/grupper$/);
  assert.deepEqual(await axe(staff.page), []);
  const section = staff.page.locator('section.nara-group', { hasText: 'Barn i familjer med missbruk' });
  await section.locator('a[href^="/arbete/grupper/serie/"]').first().click();
  await staff.page.waitForURL(/\/arbete\/grupper\/serie\/\d+$/);
  assert.match(await staff.page.textContent('main'), /Berit Bjuvsdotter/);
  assert.match(await staff.page.textContent('main'), /berit@example\.com/);
  assert.deepEqual(await axe(staff.page), []);
  const first = staff.page.locator('form[action$="/narvaro"]').first();
  await first.locator('label', { hasText: 'Berit Bjuvsdotter' }).click();
  await first.locator('button[type="submit"]').click();
  await staff.page.waitForURL(/klart=narvaro$/);
  assert.match(await staff.page.textContent('main'), /Närvaron är sparad/);
  assert.ok(await staff.page.locator('form[action$="/narvaro"]').first()
    .locator('input[name="narvarande"]:checked').count() === 1);
  assert.deepEqual(await axe(staff.page), []);
  assert.deepEqual(staff.errors, []);
});

test('a full round puts the next citizen on the waiting list; a freed place moves them up with a plain e-mail', async () => {
  // The leader opens a round of one place.
  const sctx = await browserContext();
  const staff = await newPage(sctx);
  await loginStaff(staff.page, 'landskrona.stodgrupper');
  await staff.page.goto(`${server.base}/arbete/grupper`);
  const section = staff.page.locator('section.nara-group', { hasText: 'Separationsgrupp för barn' });
  await section.locator('summary', { hasText: 'Ny omgång' }).click();
  const d = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
  await section.locator('input[name="datum"]').fill(d);
  await section.locator('input[name="tid"]').fill('16:00');
  await section.locator('input[name="antal"]').fill('3');
  await section.locator('input[name="platser"]').fill('1');
  await section.locator('input[name="plats"]').fill('Föreningsgatan 12, Landskrona');
  await section.locator('button:has-text("Spara omgången")').click();
  await staff.page.waitForURL(/\/arbete\/grupper\/serie\/\d+\?klart=omgang$/);
  assert.deepEqual(await axe(staff.page), []);
  const roster = staff.page.url().replace(/\?.*$/, '');
  const seriesId = /serie\/(\d+)/.exec(roster)[1];

  // The first citizen takes the place.
  async function signUp(town, fromEnd, name) {
    const ctx = await browserContext();
    const { page, errors } = await newPage(ctx);
    await findGroup(page, town, 'Separationsgrupp för barn', false);
    await page.click('a:has-text("Logga in för att anmäla dig")');
    await chooseCitizen(page, town, fromEnd);
    await page.waitForURL(/\/stodgrupper\/\d+$/);
    const form = page.locator(`form[action="/stodgrupper/serie/${seriesId}/anmal"]`);
    await form.locator('input[name="namn"]').fill(name);
    await form.locator('input[name="epost"]').fill('');
    await form.locator('input[name="telefon"]').fill('070-111 22 33');
    await form.locator('select[name="kommun"]').selectOption({ label: town });
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/mina-sidor\/grupper\?klart=/);
    return { page, errors };
  }
  const a = await signUp('Landskrona', 1, 'Anna Först');
  assert.match(a.page.url(), /klart=anmald$/);
  const b = await signUp('Bjuv', 2, 'Bertil Sedan');
  assert.match(b.page.url(), /klart=ko$/);
  const queued = await b.page.textContent('main');
  assert.match(queued, /Du står nu i kö/);
  assert.match(queued, /Du står i kö, plats 1\./);
  assert.deepEqual(await axe(b.page), []);

  // The first gives up the place; the second moves up and is told.
  const before = mail.messages.length;
  await a.page.locator('form[action$="/avboka"]', { has: a.page.locator('button') }).last()
    .locator('button').click();
  await a.page.waitForURL(/klart=avbokad$/);
  assert.deepEqual(await axe(a.page), []);
  await b.page.goto(`${server.base}/mina-sidor/grupper`);
  assert.match(await b.page.textContent('main'), /Du har en plats/);
  const told = await waitFor(() => mail.messages.slice(before).find((m) => m.subject === 'Du har fått en plats'));
  assert.ok(told, 'the e-mail arrives');
  assert.ok(!/Separation|stödgrupp|Landskrona|Stödgrupper/i.test(told.raw), 'nothing of the group in the e-mail');
  await staff.page.goto(roster);
  const main = await staff.page.textContent('main');
  assert.match(main, /Bertil Sedan/);
  assert.doesNotMatch(main, /Anna Först/);
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
});

test('the sign-up works without JavaScript', async () => {
  const ctx = await browserContext({ javaScriptEnabled: false });
  const { page } = await newPage(ctx);
  await findGroup(page, 'Bjuv', 'Barn i familjer med missbruk', false);
  await page.click('a:has-text("Logga in för att anmäla dig")');
  await chooseCitizen(page, 'Bjuv', 3);
  await page.waitForURL(/\/stodgrupper\/\d+$/);
  const form = page.locator('form[action$="/anmal"]').first();
  await form.locator('input[name="namn"]').fill('Utan Skript');
  await form.locator('input[name="epost"]').fill('utan@example.com');
  await form.locator('select[name="kommun"]').selectOption({ label: 'Bjuv' });
  await form.locator('button[type="submit"]').click();
  await page.waitForURL(/\/mina-sidor\/grupper\?klart=/);
  assert.match(await page.textContent('main'), /Barn i familjer med missbruk/);
});

test('the pages in English: the catalogue, a group, the leader\'s pages, axe on each', async () => {
  const ctx = await browserContext({ locale: 'en-GB' });
  const { page, errors } = await newPage(ctx);
  await page.goto(`${server.base}/stodgrupper?for=children`);
  assert.match(await page.textContent('h1'), /Support groups/);
  assert.deepEqual(await axe(page), []);
  await page.locator('a', { hasText: 'Stödgrupp för barn som har levt med våld' }).first().click();
  await page.waitForURL(/\/stodgrupper\/\d+$/);
  assert.match(await page.textContent('main'), /Through your social worker/);
  assert.deepEqual(await axe(page), []);
  await loginStaff(page, 'landskrona.stodgrupper');
  await page.goto(`${server.base}/arbete/grupper`);
  assert.match(await page.textContent('h1'), /Support groups you run/);
  assert.deepEqual(await axe(page), []);
  await page.locator('a[href^="/arbete/grupper/serie/"]').first().click();
  await page.waitForURL(/\/arbete\/grupper\/serie\/\d+$/);
  assert.match(await page.textContent('main'), /Meetings and attendance/);
  assert.deepEqual(await axe(page), []);
  // A case officer's form to enrol a person of a case, in English too.
  const officer = await newPage(await browserContext({ locale: 'en-GB' }));
  await loginStaff(officer.page, 'helsingborg.handlaggare2');
  const link = officer.page.locator('a[href^="/arbete/arende/"]').first();
  const href = await link.getAttribute('href');
  await officer.page.goto(`${server.base}${href.replace(/#.*$/, '')}/stodgrupp`);
  assert.match(await officer.page.textContent('h1'), /Enrol in a support group/);
  assert.deepEqual(await axe(officer.page), []);
  assert.deepEqual(errors, []);
  assert.deepEqual(officer.errors, []);
});
