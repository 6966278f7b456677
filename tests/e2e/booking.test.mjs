// The meeting journey in Chromium: a citizen books a video meeting with an
// interpreter from Mina sidor, the confirmation arrives at a real SMTP
// server, the citizen rebooks and a second e-mail arrives. Staff publish
// hours and see the meeting; the interpreter sees the assignment. axe-core
// finds no WCAG 2.1 AA violation on any new page, and nothing breaks the
// Content-Security-Policy. The whole journey also works without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { startMail, startSms, waitFor } from '../lib/mail.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, mail, sms;
const contexts = [];
const dirs = [];
before(async () => {
  prepareDatabase();
  mail = await startMail();
  sms = await startSms();
  server = await startServer({
    NARA_DEV_LOGIN: '1', NARA_SMTP_URL: mail.url, NARA_SMS_URL: sms.url,
    NARA_MAIL_FROM: 'no-reply@nara.example.com', NARA_NOTICE_POLL_MS: '100',
  });
});
after(async () => {
  for (const c of contexts) await c.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  const r = await stopServer(server);
  await mail.close();
  await sms.close();
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

async function browserContext(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-booking-'));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'sv-SE',
    args: ARGS,
    ...options,
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
  // Every failed load, by address (the browser asks for /favicon.ico on its own).
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  return { page, errors };
}

async function loginCitizen(page, town) {
  await page.goto(`${server.base}/mina-sidor`);
  // A citizen late in the list: earlier ones are the other tests'.
  const buttons = page.locator('button', { hasText: new RegExp(`, ${town}$`) });
  await buttons.nth((await buttons.count()) - 2).click();
  await page.waitForURL(/\/mina-sidor$/);
}

async function loginStaff(page, username) {
  await page.goto(`${server.base}/arbete`);
  await page.locator('button', { hasText: new RegExp(` · ${username.replace('.', '\\.')}$`) }).click();
  await page.waitForURL(/\/arbete$/);
}

// Books from Mina sidor; returns the meeting's address.
// `audit`: run axe on each page (not without JavaScript: axe is a script).
async function bookVideoWithInterpreter(page, hostPattern, audit = true) {
  const axeOr = async () => (audit ? axe(page) : []);
  await page.click('a[href="/mina-sidor/moten"]');
  await page.waitForURL(/\/mina-sidor\/moten$/);
  assert.deepEqual(await axeOr(), []);
  await page.click('a[href="/mina-sidor/moten/boka"]');
  await page.waitForURL(/\/mina-sidor\/moten\/boka$/);
  assert.deepEqual(await axeOr(), []);
  await page.locator('a', { hasText: hostPattern }).first().click();
  await page.waitForURL(/boka\?hos=/);
  assert.deepEqual(await axeOr(), []);
  await page.check('#typ-video');
  await page.locator('input[name="tid"]').nth(2).check();
  await page.selectOption('#tolk', 'ar');
  await page.check('#tolksatt-remote');
  await page.click('button:has-text("Boka mötet")');
  await page.waitForURL(/\/mina-sidor\/moten\/\d+\?klart=bokat$/);
  return new URL(page.url()).pathname;
}

test('a citizen books a video meeting with an interpreter, gets the e-mail, rebooks and gets another', async () => {
  const ctx = await browserContext();
  const { page, errors } = await newPage(ctx);
  await loginCitizen(page, 'Landskrona');
  const before = mail.messages.length;
  const href = await bookVideoWithInterpreter(page, /Första linjen, Landskrona – (?!mottagningen)/);
  const main = await page.textContent('main');
  assert.match(main, /Mötet är bokat/);
  assert.match(main, /Videomöte/);
  assert.match(main, /arabiska/);
  assert.deepEqual(await axe(page), []);
  const when1 = await page.textContent('.nara-facts dd');

  const booked = await waitFor(() => mail.messages.slice(before).find((m) => m.subject === 'Ditt möte är bokat'));
  assert.ok(booked, 'the confirmation arrives');
  assert.match(booked.body, /Logga in/);
  assert.ok(!/arabiska|tolk|Första linjen|Landskrona/i.test(booked.raw), 'nothing sensitive in the e-mail');

  // Rebook to another time from the meeting's page.
  await page.locator('input[name="tid"]').nth(1).check();
  await page.click('button:has-text("Flytta till den valda tiden")');
  await page.waitForURL(new RegExp(`${href}\\?klart=flyttat$`));
  assert.match(await page.textContent('main'), /Mötet är flyttat/);
  assert.notEqual(await page.textContent('.nara-facts dd'), when1);
  assert.deepEqual(await axe(page), []);
  const moved = await waitFor(() => mail.messages.slice(before).find((m) => m.subject === 'Ditt möte har flyttats'));
  assert.ok(moved, 'a second e-mail after rebooking');

  // The list shows it once, with the interpreter.
  await page.goto(`${server.base}/mina-sidor/moten`);
  assert.equal(await page.locator(`a[href="${href}"]`).count(), 1);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors, []);

  // Staff: the officer sees the meeting, publishes hours, the booking page
  // for a person; the interpreter sees the assignment. Each page audited.
  const staffCtx = await browserContext();
  const officer = await newPage(staffCtx);
  await loginStaff(officer.page, 'landskrona.forstalinjen');
  await officer.page.click('a[href="/arbete/moten"]');
  await officer.page.waitForURL(/\/arbete\/moten$/);
  assert.match(await officer.page.textContent('main'), /arabiska/);
  assert.deepEqual(await axe(officer.page), []);
  await officer.page.selectOption('#dag', '6');
  await officer.page.fill('#fran', '10:00');
  await officer.page.fill('#till', '11:00');
  await officer.page.click('button:has-text("Spara tiderna")');
  await officer.page.waitForURL(/klart=tider$/);
  assert.match(await officer.page.textContent('main'), /lördag/);
  assert.deepEqual(await axe(officer.page), []);
  // The booking page for a person, reached from a search.
  await officer.page.goto(`${server.base}/arbete`);
  const personLink = officer.page.locator('a[href^="/arbete/person/"]').first();
  if (await personLink.count()) {
    const personHref = await personLink.getAttribute('href');
    await officer.page.goto(`${server.base}/arbete/moten/boka?person=${personHref.split('/').pop()}`);
    assert.deepEqual(await axe(officer.page), []);
    await officer.page.click('button:has-text("Visa lediga tider")');
    await officer.page.waitForURL(/hos=/);
    assert.deepEqual(await axe(officer.page), []);
  }
  assert.deepEqual(officer.errors, []);

  const tolkCtx = await browserContext();
  const tolk = await newPage(tolkCtx);
  await loginStaff(tolk.page, 'helsingborg.digital-tolktjanst');
  await tolk.page.goto(`${server.base}/arbete/moten`);
  const text = await tolk.page.textContent('main');
  assert.match(text, /Tolkuppdrag/);
  assert.ok(!text.includes('Första linjen, Landskrona'), 'the interpreter sees no unit');
  assert.deepEqual(await axe(tolk.page), []);
});

test('without JavaScript the same journey works', async () => {
  const ctx = await browserContext({ javaScriptEnabled: false });
  const { page } = await newPage(ctx);
  await loginCitizen(page, 'Svalöv');
  const href = await bookVideoWithInterpreter(page, /Första linjen, Svalöv – (?!mottagningen)/, false);
  await page.locator('input[name="tid"]').nth(0).check();
  await page.click('button:has-text("Flytta till den valda tiden")');
  await page.waitForURL(new RegExp(`${href}\\?klart=flyttat$`));
  await page.click('button:has-text("Avboka")');
  await page.waitForURL(/\/mina-sidor\/moten\?klart=avbokat$/);
  assert.match(await page.textContent('main'), /Mötet är avbokat/);
});
