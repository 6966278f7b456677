// Meetings: booking against a real server and database, with a real SMTP
// server (npm smtp-server) and an SMS gateway on 127.0.0.1 reading what
// arrives. Thirty people trying one time at once: exactly one gets it.
// An interpreter of the shared service is reserved like the officer and
// sees nothing of the case. The calendar file parses with ical.js. A
// notice queued before a restart is sent exactly once after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { prepareDatabase, startServer, stopServer, auditRows, auditLastId } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { startMail, startSms, waitFor } from '../lib/mail.mjs';

let server, mail, sms;
const env = () => ({
  NARA_DEV_LOGIN: '1',
  NARA_SMTP_URL: mail.url,
  NARA_MAIL_FROM: 'no-reply@nara.example.com',
  NARA_SMS_URL: sms.url,
  NARA_NOTICE_POLL_MS: '100',
  NARA_NOTICE_RETRY_SECONDS: '1',
});

before(async () => {
  prepareDatabase();
  mail = await startMail();
  sms = await startSms();
  server = await startServer(env());
});
after(async () => {
  const r = await stopServer(server);
  await mail.close();
  await sms.close();
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

async function citizens(base, town) {
  const { list } = await new Client(base).accounts();
  return list.filter((a) => a.value.startsWith('citizen:') && a.label.endsWith(`, ${town}`));
}

async function login(base, account) {
  const c = new Client(base);
  await c.loginAs(new RegExp(`^${account.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  return c;
}

// The booking page's hosts: [{ with, label }].
async function hosts(c) {
  const html = await (await c.get('/mina-sidor/moten/boka')).text();
  return [...html.matchAll(/href="\/mina-sidor\/moten\/boka\?hos=([0-9-]+)">([^<]*)</g)]
    .map((m) => ({ with: m[1], label: m[2] }));
}

async function bookingForm(c, host) {
  const html = await (await c.get(`/mina-sidor/moten/boka?hos=${host}`)).text();
  const slots = [...html.matchAll(/name="tid" value="([0-9]+-[0-9]+)"/g)].map((m) => m[1]);
  return { html, csrf: c.csrfFrom(html), slots };
}

const startOf = (slot) => Number(slot.split('-')[1]);

// The messages since `from` with this subject, once there is one.
function arrived(from, subject) {
  return () => {
    const m = mail.messages.slice(from).filter((x) => x.subject === subject);
    return m.length ? m : null;
  };
}

// What no notice may carry: names, the service, the case.
function assertNothingSensitive(text, words) {
  for (const w of words) assert.ok(!text.includes(w), `a notice carries "${w}": ${text}`);
}

test('thirty people try one time at once: exactly one gets it, the rest are told it was just taken', async () => {
  const people = await citizens(server.base, 'Helsingborg');
  assert.ok(people.length >= 5, 'enough Helsingborg citizens');
  const clients = [];
  for (let i = 0; i < 30; i++) clients.push(await login(server.base, people[i % people.length]));
  const host = (await hosts(clients[0])).find((h) => /Första linjen, Helsingborg – (?!mottagningen)/.test(h.label));
  assert.ok(host, 'the first-line worker of Helsingborg has hours');
  const forms = await Promise.all(clients.map((c) => bookingForm(c, host.with)));
  const slot = forms[0].slots[0];
  assert.ok(slot, 'a free time');
  const answers = await Promise.all(clients.map((c, i) => c.post('/mina-sidor/moten/boka',
    { csrf: forms[i].csrf, hos: host.with, typ: 'office', tid: slot })));
  const statuses = answers.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 303).length, 1, `one winner: ${statuses}`);
  assert.equal(statuses.filter((s) => s === 409).length, 29, `the others told: ${statuses}`);
  const loser = answers.find((r) => r.status === 409);
  assert.match(await loser.text(), /Någon annan bokade den tiden alldeles nyss/);
  // The time is gone from everyone's list.
  const again = await bookingForm(clients[1], host.with);
  assert.ok(!again.slots.includes(slot));
});

test('a booking: confirmation by e-mail and SMS with nothing sensitive, the calendar file, rebooking and cancelling', async () => {
  const [person] = await citizens(server.base, 'Bjuv');
  const c = await login(server.base, person);
  const host = (await hosts(c)).find((h) => /Första linjen, Bjuv – (?!mottagningen)/.test(h.label));
  const form = await bookingForm(c, host.with);
  const before = mail.messages.length, beforeSms = sms.messages.length;
  const audit0 = auditLastId();
  const slot = form.slots[1];
  let r = await c.post('/mina-sidor/moten/boka', { csrf: form.csrf, hos: host.with, typ: 'phone', tid: slot });
  assert.equal(r.status, 303);
  const href = r.headers.get('location').split('?')[0];
  const id = Number(/\/(\d+)$/.exec(href)[1]);
  const rows = auditRows({ after: audit0 }).filter((x) => x.record_kind === 'booking' && x.record_id === id);
  assert.ok(rows.some((x) => x.action === 'create' && x.actor_kind === 'citizen'), 'the booking is audited');

  const mails = await waitFor(arrived(before, 'Ditt möte är bokat'));
  assert.equal(mails?.length, 1, 'one confirmation');
  const texts = await waitFor(() => sms.messages.slice(beforeSms).length >= 1 && sms.messages.slice(beforeSms));
  assert.ok(texts && texts.length >= 1, 'an SMS');
  const page = await (await c.get(href)).text();
  const staffName = /Första linjen, Bjuv – (.*)$/.exec(host.label)[1];
  const name = person.label.split(',')[0];
  for (const t of [mails[0].raw, texts[0].message]) {
    assert.match(t, /Logga in/);
    assertNothingSensitive(t, [staffName, name, 'Första linjen', 'Bjuv', 'socialtjänst', person.value.slice(8)]);
  }
  assert.match(mails[0].body, /Du har ett möte \d+ \S+ \d{4} kl\. \d\d:\d\d/);

  // The calendar file, in Stockholm time, parsed by ical.js.
  r = await c.get(`${href}/kalender.ics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/calendar/);
  const ics = await r.text();
  const cal = new ICAL.Component(ICAL.parse(ics));
  const tz = cal.getFirstSubcomponent('vtimezone');
  assert.equal(tz.getFirstPropertyValue('tzid'), 'Europe/Stockholm');
  ICAL.TimezoneService.register(tz);
  const ev = new ICAL.Event(cal.getFirstSubcomponent('vevent'));
  assert.equal(cal.getFirstSubcomponent('vevent').getFirstProperty('dtstart').getParameter('tzid'), 'Europe/Stockholm');
  assert.equal(ev.startDate.zone.tzid, 'Europe/Stockholm');
  assert.equal(ev.startDate.toUnixTime(), startOf(slot));
  assertNothingSensitive(ics, [staffName, name, 'Första linjen']);

  // Rebook: the old time is free again, a new confirmation comes.
  const page2 = await bookingForm(c, host.with);
  assert.ok(!page2.slots.includes(slot));
  const newSlot = page2.slots[3];
  const version = /name="version" value="(\d+)"/.exec(page)[1];
  r = await c.post(`${href}/flytta`, { csrf: form.csrf, version, tid: newSlot });
  assert.equal(r.status, 303);
  const page3 = await bookingForm(c, host.with);
  assert.ok(page3.slots.includes(slot), 'the old time is free again');
  assert.ok(!page3.slots.includes(newSlot));
  const moved = await waitFor(arrived(before, 'Ditt möte har flyttats'));
  assert.equal(moved?.length, 1);
  // A stale form (the old version) is refused with a plain answer.
  r = await c.post(`${href}/flytta`, { csrf: form.csrf, version, tid: page3.slots[5] });
  assert.equal(r.status, 409);
  assert.match(await r.text(), /har ändrats sedan du öppnade sidan/);

  r = await c.post(`${href}/avboka`, { csrf: form.csrf });
  assert.equal(r.status, 303);
  const page4 = await bookingForm(c, host.with);
  assert.ok(page4.slots.includes(newSlot), 'the cancelled time is free again');
  const cancelled = await waitFor(arrived(before, 'Ditt möte är avbokat'));
  assert.equal(cancelled?.length, 1);
});

test('another person cannot read, move or cancel my meeting', async () => {
  const [a, b] = await citizens(server.base, 'Bjuv');
  const ca = await login(server.base, a), cb = await login(server.base, b);
  const host = (await hosts(ca)).find((h) => /Barn och familj, Bjuv/.test(h.label));
  const form = await bookingForm(ca, host.with);
  let r = await ca.post('/mina-sidor/moten/boka', { csrf: form.csrf, hos: host.with, typ: 'office', tid: form.slots[0] });
  assert.equal(r.status, 303);
  const href = r.headers.get('location').split('?')[0];
  assert.equal((await cb.get(href)).status, 403);
  assert.equal((await cb.get(`${href}/kalender.ics`)).status, 403);
  const fb = await bookingForm(cb, host.with);
  r = await cb.post(`${href}/avboka`, { csrf: fb.csrf });
  assert.equal(r.status, 403);
  assert.equal((await ca.get(href)).status, 200);
});

test('an interpreter of the shared service is reserved like the officer and sees only time, kind and language', async () => {
  const people = await citizens(server.base, 'Bjuv');
  const [p1, p2, p3] = people.slice(3, 6);
  const c1 = await login(server.base, p1), c2 = await login(server.base, p2), c3 = await login(server.base, p3);
  const list = await hosts(c1);
  const h1 = list.find((h) => /Första linjen, Bjuv – (?!mottagningen)/.test(h.label));
  const h2 = list.find((h) => /Barn och familj, Bjuv/.test(h.label));
  const h3 = list.find((h) => /Vuxen, Bjuv/.test(h.label));
  const [f1, f2, f3] = await Promise.all([bookingForm(c1, h1.with), bookingForm(c2, h2.with), bookingForm(c3, h3.with)]);
  // A time all three have free: the latest one of the first host's that the others offer.
  const starts2 = new Set(f2.slots.map(startOf)), starts3 = new Set(f3.slots.map(startOf));
  const common = f1.slots.map(startOf).filter((t) => starts2.has(t) && starts3.has(t)).pop();
  assert.ok(common, 'a time the three officers share');
  const pick = (f) => f.slots.find((s) => startOf(s) === common);
  const ask = { typ: 'video', tolk: 'ar', tolksatt: 'remote' };
  let r = await c1.post('/mina-sidor/moten/boka', { csrf: f1.csrf, hos: h1.with, tid: pick(f1), ...ask });
  assert.equal(r.status, 303);
  const href1 = r.headers.get('location').split('?')[0];
  r = await c2.post('/mina-sidor/moten/boka', { csrf: f2.csrf, hos: h2.with, tid: pick(f2), ...ask });
  assert.equal(r.status, 303, 'the second Arabic interpreter');
  // Two interpreters speak Arabic in the demo: the third is refused.
  r = await c3.post('/mina-sidor/moten/boka', { csrf: f3.csrf, hos: h3.with, tid: pick(f3), ...ask });
  assert.equal(r.status, 409);
  assert.match(await r.text(), /ingen ledig tolk på det språket/);
  // ... and the officer's time it tried stays free.
  assert.ok((await bookingForm(c3, h3.with)).slots.includes(pick(f3)));

  // The interpreter's page: the assignment, without the person or the unit.
  const tolk = new Client(server.base);
  await tolk.loginAs(/helsingborg\.digital-tolktjanst$/);
  const audit0 = auditLastId();
  const html = await (await tolk.get('/arbete/moten')).text();
  assert.match(html, /Tolkuppdrag/);
  assert.match(html, /arabiska/);
  const name1 = p1.label.split(',')[0];
  assert.ok(!html.includes(name1), 'no name of the person');
  assert.ok(!html.includes('Första linjen'), 'no unit');
  // Read under the agreement with Helsingborg, in the audit log.
  const rows = auditRows({ after: audit0 }).filter((x) => x.record_kind === 'booking' && x.action === 'read');
  assert.ok(rows.length >= 1 && rows.every((x) => x.agreement_id), 'acting under the agreement');
  // The interpreter may not cancel the meeting.
  const id1 = /\/(\d+)$/.exec(href1)[1];
  r = await tolk.post(`/arbete/moten/${id1}/avboka`, { csrf: tolk.csrfFrom(html) });
  assert.equal(r.status, 403);
  // Nor read the citizen's page of it.
  assert.equal((await tolk.get(`/mina-sidor/moten/${id1}`)).status, 403);
});

test('staff publish hours, propose times, and the person accepts one', async () => {
  const staff = new Client(server.base);
  await staff.loginAs(/bjuv\.handlaggare2$/);
  let html = await (await staff.get('/arbete/moten')).text();
  const csrf = staff.csrfFrom(html);
  const unit = /<select class="ds-input" id="enhet" name="enhet">\s*<option value="(\d+)"/.exec(html)[1];
  // Bad hours: said in words, nothing saved.
  let r = await staff.post('/arbete/moten/tider', { csrf, enhet: unit, for: 'mig', dag: '6', fran: '10:00', till: '09:00', langd: '30', mellan: '0', typ: 'video' });
  assert.equal(r.status, 400);
  assert.match(await r.text(), /sluttiden efter starttiden/);
  r = await staff.post('/arbete/moten/tider', { csrf, enhet: unit, for: 'mig', dag: '6', fran: '10:00', till: '12:00', langd: '30', mellan: '10', typ: 'video' });
  assert.equal(r.status, 303);
  html = await (await staff.get('/arbete/moten')).text();
  assert.match(html, /lördag/);

  // Propose two Saturday times to a Bjuv person found by a search.
  // A Bjuv person in the adults unit's caseload, whom the officer may read.
  let person, personId;
  for (const p of await citizens(server.base, 'Bjuv')) {
    const found = await (await staff.get(`/arbete?pnr=${p.value.slice(8)}`)).text();
    const id = /href="\/arbete\/person\/(\d+)"/.exec(found)?.[1];
    if (id && (await staff.get(`/arbete/person/${id}`)).status === 200) { person = p; personId = id; break; }
  }
  assert.ok(personId, 'a person of the officer\'s unit');
  html = await (await staff.get(`/arbete/moten/boka?person=${personId}`)).text();
  const own = [...html.matchAll(/<option value="([0-9]+-[0-9]+)"[^>]*>([^<]*)</g)].find((m) => /mina tider/.test(m[2]));
  html = await (await staff.get(`/arbete/moten/boka?person=${personId}&hos=${own[1]}`)).text();
  const saturday = [...html.matchAll(/name="tid" value="([0-9]+-[0-9]+)" id="tid-\d+"><label[^>]*>lördag/g)].map((m) => m[1]);
  assert.ok(saturday.length >= 2, 'Saturday times offered');
  r = await staff.post('/arbete/moten/boka', new URLSearchParams([
    ['csrf', csrf], ['person', personId], ['arende', '0'], ['hos', own[1]], ['typ', 'video'],
    ['tid', saturday[0]], ['tid', saturday[1]], ['atgard', 'foresla']]));
  assert.equal(r.status, 303);

  const c = await login(server.base, person);
  const list = await (await c.get('/mina-sidor/moten')).text();
  const href = [...list.matchAll(/href="(\/mina-sidor\/moten\/\d+)"/g)].map((m) => m[1]).pop();
  const page = await (await c.get(href)).text();
  assert.match(page, /Välj en av de föreslagna tiderna/);
  r = await c.post(`${href}/acceptera`, { csrf: c.csrfFrom(page), tid: String(startOf(saturday[1])) });
  assert.equal(r.status, 303);
  // The time is held: gone from the staff's free times.
  html = await (await staff.get(`/arbete/moten/boka?person=${personId}&hos=${own[1]}`)).text();
  assert.ok(!html.includes(`value="${saturday[1]}"`));
  assert.ok(html.includes(`value="${saturday[0]}"`), 'the other proposal was never held');
});

test('a reminder and a confirmation queued before a restart are each sent exactly once after it; a failing peer is retried', async () => {
  const people = await citizens(server.base, 'Bjuv');
  const someone = people[people.length - 1];
  let c = await login(server.base, someone);
  const host = (await hosts(c)).find((h) => /Vuxen, Bjuv/.test(h.label));
  const slot = (await bookingForm(c, host.with)).slots[2];
  // The reminder falls due a few seconds after booking.
  const reminderBefore = startOf(slot) - Math.floor(Date.now() / 1000) - 6;
  // The first server cannot reach its SMTP server: the confirmation fails
  // and waits for a retry.
  await stopServer(server);
  server = await startServer({ ...env(), NARA_SMTP_URL: 'smtp://127.0.0.1:9',
    NARA_NOTICE_REMINDER_BEFORE: String(reminderBefore) });
  c = await login(server.base, someone);
  const form = await bookingForm(c, host.with);
  const before = mail.messages.length;
  const r = await c.post('/mina-sidor/moten/boka', { csrf: form.csrf, hos: host.with, typ: 'office', tid: slot });
  assert.equal(r.status, 303);
  await waitFor(() => /notice not sent/.test(server.stderr), 10000);
  assert.match(server.stderr, /notice not sent/);
  // Restarted with a working peer: each sent, once.
  await stopServer(server);
  server = await startServer(env());
  const got = await waitFor(() => {
    const m = mail.messages.slice(before);
    return m.some((x) => x.subject === 'Ditt möte är bokat') && m.some((x) => x.subject === 'Påminnelse om ditt möte');
  }, 30000);
  assert.ok(got, `the confirmation and the reminder arrive after the restart: ${mail.messages.slice(before).map((m) => m.subject)}`);
  // And again: nothing is sent twice.
  await stopServer(server);
  server = await startServer(env());
  await new Promise((res) => setTimeout(res, 3000));
  const subjects = mail.messages.slice(before).map((m) => m.subject).sort();
  assert.deepEqual(subjects, ['Ditt möte är bokat', 'Påminnelse om ditt möte'], 'each exactly once');
  assert.match(mail.messages.slice(before).find((m) => /Påminnelse/.test(m.subject)).body, /Påminnelse: du har ett möte/);
});
