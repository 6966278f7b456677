// The whole meeting journey of the issue, through the real pages in
// Chromium: a citizen books a video meeting with an interpreter, gets the
// e-mail, rebooks, then the three meet.
//
// An officer publishes hours for the coming hour on /arbete/moten; the
// citizen logs in (development login), books a video meeting with an
// Arabic interpreter on /mina-sidor/moten/boka by clicking through the
// form; the confirmation reaches a real SMTP server with nothing
// sensitive in it; the citizen moves the meeting to the other time, the
// "moved" e-mail arrives and the calendar file parses (ical.js) with the
// new time. The officer reads on /arbete/moten which interpreter got the
// assignment; that interpreter logs in and finds it on their own
// /arbete/moten. Then the three open /mote/{id}, join, and each page
// receives sound and picture from both others over TURN relays (coturn
// started here, NARA_TURN_RELAY_ONLY=1). axe-core finds no WCAG 2.1 AA
// violation on any page the journey passes.
//
// Time: the booking pages offer times at least an hour ahead
// (BOOKING_LEAD_SECONDS), and a room opens NARA_VIDEO_OPEN_MINUTES before
// its start (default 10). The test is served as an operator would be: the
// officer publishes hours starting a little over an hour from now, and the
// server runs with NARA_VIDEO_OPEN_MINUTES=240, so that the room of a
// meeting booked now is already open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import ICAL from 'ical.js';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { startMail, startSms, waitFor } from '../lib/mail.mjs';
import { startTurn, stopTurn } from '../lib/video.mjs';
import { VIDEO_ARGS, keepConnections, assertMediaFlows } from '../lib/webrtc.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const OFFICER = 'landskrona.forstalinjen';

let server, mail, sms, turn, browser;
before(async () => {
  prepareDatabase();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: VIDEO_ARGS,
  });
  [mail, sms, turn] = await Promise.all([startMail(), startSms(), startTurn()]);
  server = await startServer({
    NARA_DEV_LOGIN: '1', NARA_SMTP_URL: mail.url, NARA_SMS_URL: sms.url,
    NARA_MAIL_FROM: 'no-reply@nara.example.com', NARA_NOTICE_POLL_MS: '100',
    NARA_TURN_URLS: turn.url, NARA_TURN_SECRET: turn.secret, NARA_TURN_RELAY_ONLY: '1',
    NARA_VIDEO_OPEN_MINUTES: '240',
  });
});
after(async () => {
  await browser?.close();
  const r = await stopServer(server);
  await mail?.close();
  await sms?.close();
  await stopTurn(turn);
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

// A participant: a context of its own (own cookies), keeping its
// RTCPeerConnections; every console error and failed load is kept.
async function person(name) {
  const ctx = await browser.newContext({ locale: 'sv-SE' });
  await keepConnections(ctx);
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(m.text()); });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  return { name, ctx, page, errors };
}

// Logs in through the development login's list; returns the button's text.
async function login(page, start, button, landing) {
  await page.goto(`${server.base}${start}`);
  assert.deepEqual(await axe(page), []);
  const text = (await button(page).textContent()).trim();
  await button(page).click();
  await page.waitForURL(landing);
  assert.deepEqual(await axe(page), []);
  return text;
}
const staffButton = (pattern) => (page) => page.locator('button', { hasText: pattern }).first();
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Stockholm wall time of an instant: ISO weekday, "HH:MM", minute of day.
function stockholm(t) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Stockholm', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(t * 1000)).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return { weekday, hhmm: `${parts.hour}:${parts.minute}`, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

test('a citizen books a video meeting with an interpreter, gets the e-mail, rebooks, then the three meet', async (t) => {
  const started = Date.now();
  // Four 20-minute times, the first a little over an hour from now (the
  // booking pages' lead), on a five-minute mark, within one local day.
  // Four, because other tests sharing the database may have taken one.
  let first = Math.ceil((Date.now() / 1000 + 62 * 60) / 300) * 300;
  if (stockholm(first).minute + 80 > 1435) {
    first += (1440 - stockholm(first).minute) * 60 + 300; // 00:05 the next day
  }
  const last = first + 80 * 60;
  const from = stockholm(first);
  const to = stockholm(last);

  // 1. The officer publishes the hours, for video among other kinds.
  const officer = await person('officer');
  const officerLogin = await login(officer.page, '/arbete', staffButton(new RegExp(` · ${escape(OFFICER)}$`)), /\/arbete$/);
  const officerName = officerLogin.split(' · ')[0];
  await officer.page.click('a[href="/arbete/moten"]');
  await officer.page.waitForURL(/\/arbete\/moten$/);
  assert.deepEqual(await axe(officer.page), []);
  await officer.page.check('#for-mig');
  await officer.page.selectOption('#dag', String(from.weekday));
  await officer.page.fill('#fran', from.hhmm);
  await officer.page.fill('#till', to.hhmm);
  await officer.page.fill('#langd', '20');
  await officer.page.fill('#mellan', '0');
  await officer.page.check('#k-video');
  const unit = await officer.page.inputValue('#enhet');
  await officer.page.click('button:has-text("Spara tiderna")');
  await officer.page.waitForURL(/klart=tider$/);
  assert.match(await officer.page.textContent('main'), new RegExp(`${from.hhmm}–${to.hhmm}`));
  assert.deepEqual(await axe(officer.page), []);

  // 2. The citizen books, clicking through the form.
  const citizen = await person('citizen');
  const citizenLogin = await login(citizen.page, '/mina-sidor', (page) => {
    const buttons = page.locator('button', { hasText: /, Landskrona$/ });
    return buttons.last();
  }, /\/mina-sidor$/);
  const citizenName = citizenLogin.split(',')[0].trim();
  const before = mail.messages.length;
  const page = citizen.page;
  await page.click('a[href="/mina-sidor/moten"]');
  await page.waitForURL(/\/mina-sidor\/moten$/);
  assert.deepEqual(await axe(page), []);
  await page.click('a[href="/mina-sidor/moten/boka"]');
  await page.waitForURL(/\/mina-sidor\/moten\/boka$/);
  assert.deepEqual(await axe(page), []);
  await page.locator('a', { hasText: new RegExp(`^Första linjen, Landskrona – ${escape(officerName)}$`) }).click();
  await page.waitForURL(new RegExp(`boka\\?hos=${unit}-\\d+$`));
  assert.deepEqual(await axe(page), []);
  // The free times of the hours just published, earliest first.
  const times = [...new Set((await page.locator('input[name="tid"]').evaluateAll(
    (inputs) => inputs.map((i) => Number(i.value.split('-')[1]))))
    .filter((s) => s >= first && s < last))].sort((a, b) => a - b);
  assert.ok(times.length >= 2, `two free times in the published hours: ${times}`);
  const [moveTo, bookAt] = times;
  await page.check('#typ-video');
  await page.locator(`input[name="tid"][value$="-${bookAt}"]`).first().check();
  await page.selectOption('#tolk', 'ar');
  await page.check('#tolksatt-remote');
  await page.click('button:has-text("Boka mötet")');
  await page.waitForURL(/\/mina-sidor\/moten\/\d+\?klart=bokat$/);
  const href = new URL(page.url()).pathname;
  const id = href.split('/').pop();
  const main = await page.textContent('main');
  assert.match(main, /Mötet är bokat/);
  assert.match(main, /Videomöte/);
  assert.match(main, /arabiska/);
  assert.deepEqual(await axe(page), []);

  // 3. The confirmation arrives, saying nothing of the matter.
  const sensitive = [/arabiska/i, /tolk/i, /Första linjen/i, /Landskrona/i, /socialtjänst/i,
    new RegExp(escape(officerName), 'i'), new RegExp(escape(citizenName), 'i')];
  const booked = await waitFor(() => mail.messages.slice(before).find((m) => m.subject === 'Ditt möte är bokat'));
  assert.ok(booked, 'the confirmation arrives');
  assert.equal(booked.to.length, 1);
  assert.match(booked.body, /Logga in/);
  for (const re of sensitive) assert.doesNotMatch(booked.raw, re, 'nothing sensitive in the e-mail');

  // 4. The citizen moves the meeting to the earlier time.
  await page.locator(`input[name="tid"][value$="-${moveTo}"]`).first().check();
  await page.click('button:has-text("Flytta till den valda tiden")');
  await page.waitForURL(new RegExp(`${href}\\?klart=flyttat$`));
  assert.match(await page.textContent('main'), /Mötet är flyttat/);
  assert.deepEqual(await axe(page), []);
  const moved = await waitFor(() => mail.messages.slice(before).find((m) => m.subject === 'Ditt möte har flyttats'));
  assert.ok(moved, 'the "moved" e-mail arrives');
  assert.match(moved.body, new RegExp(stockholm(moveTo).hhmm));
  for (const re of sensitive) assert.doesNotMatch(moved.raw, re, 'nothing sensitive in the e-mail');

  // The calendar file, as the page links it, at the new time.
  const icsHref = await page.getAttribute('a[href$="/kalender.ics"]', 'href');
  const r = await page.request.get(`${server.base}${icsHref}`);
  assert.equal(r.status(), 200);
  const cal = new ICAL.Component(ICAL.parse(await r.text()));
  ICAL.TimezoneService.register(cal.getFirstSubcomponent('vtimezone'));
  const ev = new ICAL.Event(cal.getFirstSubcomponent('vevent'));
  assert.equal(ev.startDate.zone.tzid, 'Europe/Stockholm');
  assert.equal(ev.startDate.toUnixTime(), moveTo);
  assert.equal(ev.endDate.toUnixTime(), moveTo + 20 * 60);

  // 5. The officer sees the meeting and which interpreter got it.
  await officer.page.goto(`${server.base}/arbete/moten`);
  const row = officer.page.locator('tr', { has: officer.page.locator(`a[href="/mote/${id}"]`) });
  assert.equal(await row.count(), 1);
  const interpreterCell = (await row.locator('td').nth(3).textContent()).trim();
  const m = /^arabiska\b.* – (.+)$/.exec(interpreterCell);
  assert.ok(m, `the officer sees the interpreter: ${interpreterCell}`);
  assert.deepEqual(await axe(officer.page), []);

  // The interpreter logs in and finds the assignment on their own page.
  const interpreter = await person('interpreter');
  await login(interpreter.page, '/arbete', staffButton(new RegExp(`^${escape(m[1])} · `)), /\/arbete$/);
  await interpreter.page.goto(`${server.base}/arbete/moten`);
  assert.match(await interpreter.page.textContent('main'), /Tolkuppdrag/);
  assert.deepEqual(await axe(interpreter.page), []);

  // 6. The three open the room from their pages and join.
  await page.click(`a[href="/mote/${id}"]`);
  await officer.page.click(`a[href="/mote/${id}"]`);
  await interpreter.page.click(`a[href="/mote/${id}"]`);
  const people = [citizen, officer, interpreter];
  for (const p of people) {
    await p.page.waitForURL(new RegExp(`/mote/${id}$`));
    assert.equal(await p.page.textContent('h1'), 'Videomöte');
    assert.deepEqual(await axe(p.page), [], p.name);
  }
  for (const p of people) {
    await p.page.click('#video-join');
    await p.page.waitForSelector('#video-call:not([hidden])', { timeout: 20000 });
  }
  await assertMediaFlows(people, 2, { diag: (s) => t.diagnostic(s), why: () => `turn: ${turn.log.slice(-3000)}` });
  for (const p of people) {
    assert.equal(await p.page.locator('#video-grid video').count(), 3, p.name);
    assert.deepEqual(await axe(p.page), [], `${p.name} in the call`);
    assert.deepEqual(p.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], p.name);
  }
  const names = await page.locator('#video-grid li span').allTextContents();
  assert.deepEqual(names.sort(), ['Du', 'handläggare', 'tolk']);
  assert.match(turn.log, /ALLOCATE processed, success/);
  for (const p of people) await p.ctx.close();
  t.diagnostic(`journey took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
