// Meetings through the JSON API (/api/v1/my/meetings, /api/v1/meetings):
// the same domain calls as the pages, so the same walls, audit rows and
// words. Twenty API bookings of one time at once: exactly one 201, the
// rest 409 with the page's message. A stale version is refused; another
// citizen's meeting is refused as the pages refuse it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDatabase, startServer, stopServer, auditRows, auditLastId } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';

let server;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

async function citizens(town) {
  const { list } = await new Client(server.base).accounts();
  return list.filter((a) => a.value.startsWith('citizen:') && a.label.endsWith(`, ${town}`));
}

const exact = (account) => new RegExp(`^${account.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

async function apiClient(pattern) {
  const c = new Client(server.base);
  c.account = await c.loginAs(pattern);
  c.csrf = (await (await c.get('/api/v1/me')).json()).csrf;
  return c;
}

async function call(c, method, path, body, { csrf = true } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (csrf && c.csrf) headers['X-CSRF-Token'] = c.csrf;
  const res = await c.get(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json };
}

// The first-line worker of a town, as the API names hosts.
async function firstLine(c, town) {
  const r = await call(c, 'GET', '/api/v1/my/meetings/free');
  assert.equal(r.status, 200);
  assert.ok(!('free' in r.json), 'no times without a host');
  const h = r.json.hosts.find((x) => x.unit === 'Första linjen' && x.municipality === town && x.staff !== '');
  assert.ok(h, `the first-line worker of ${town} has hours`);
  return h.host;
}

async function free(c, host) {
  const r = await call(c, 'GET', `/api/v1/my/meetings/free?host=${host}`);
  assert.equal(r.status, 200);
  return r.json;
}

test('book, list, read, rebook with a version, cancel: as the pages, audited, with the pages\' words', async () => {
  const [p, other] = await citizens('Bjuv');
  const c = await apiClient(exact(p));
  const host = await firstLine(c, 'Bjuv');
  const f = await free(c, host);
  assert.ok(f.free.length >= 3, 'free times');
  assert.ok(f.kinds.includes('office'));
  assert.ok(f.interpreter_languages.includes('ar'));
  // The API's times are the page's times.
  const page = await (await c.get(`/mina-sidor/moten/boka?hos=${host}`)).text();
  const pageSlots = [...page.matchAll(/name="tid" value="([0-9]+-[0-9]+)"/g)].map((m) => m[1]);
  assert.deepEqual(f.free.map((x) => x.slot), pageSlots);

  // Without the CSRF token: refused, nothing booked.
  let r = await call(c, 'POST', '/api/v1/my/meetings', { slot: f.free[0].slot }, { csrf: false });
  assert.equal(r.status, 403);
  // Bad input: the page's catalogue keys.
  r = await call(c, 'POST', '/api/v1/my/meetings', { slot: 'nu' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.key, 'booking.error.choose_time');
  assert.equal(r.json.error.message, 'Välj en tid.');
  r = await call(c, 'POST', '/api/v1/my/meetings', { slot: f.free[0].slot, kind: 'brev' });
  assert.equal(r.json.error.key, 'booking.error.kind');
  assert.equal((await call(c, 'GET', '/api/v1/my/meetings/free?host=x')).json.error.key, 'booking.api.host');
  assert.equal((await call(c, 'GET', '/api/v1/my/meetings/free?host=999999-0')).status, 404);

  const audit0 = auditLastId();
  r = await call(c, 'POST', '/api/v1/my/meetings', { slot: f.free[0].slot, kind: 'phone' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const id = r.json.id;
  assert.ok(auditRows({ after: audit0 }).some((x) => x.record_kind === 'booking' && x.record_id === id
    && x.action === 'create' && x.actor_kind === 'citizen'), 'the booking is audited');
  // The same time again: taken, in the page's words.
  r = await call(c, 'POST', '/api/v1/my/meetings', { slot: f.free[0].slot, kind: 'phone' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.key, 'booking.error.taken');
  assert.match(r.json.error.message, /Någon annan bokade den tiden alldeles nyss/);
  assert.ok(!(await free(c, host)).free.some((x) => x.slot === f.free[0].slot), 'gone from the free times');

  // The list and the one meeting.
  const list = await call(c, 'GET', '/api/v1/my/meetings');
  assert.equal(list.status, 200);
  const m = list.json.meetings.find((x) => x.id === id);
  assert.equal(m.state, 'booked');
  assert.equal(m.kind, 'phone');
  assert.equal(m.starts_at, f.free[0].starts_at);
  assert.equal(m.municipality, 'Bjuv');
  const one = await call(c, 'GET', `/api/v1/my/meetings/${id}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.version, m.version);

  // Another citizen: refused as the page refuses them, and audited.
  const o = await apiClient(exact(other));
  const pageStatus = (await o.get(`/mina-sidor/moten/${id}`)).status;
  assert.ok(pageStatus === 403 || pageStatus === 404, `the page refuses: ${pageStatus}`);
  assert.equal((await call(o, 'GET', `/api/v1/my/meetings/${id}`)).status, pageStatus);
  const audit1 = auditLastId();
  r = await call(o, 'POST', `/api/v1/my/meetings/${id}/cancel`);
  assert.equal(r.status, pageStatus);
  r = await call(o, 'POST', `/api/v1/my/meetings/${id}/rebook`, { slot: f.free[1].slot });
  assert.equal(r.status, pageStatus);
  assert.ok(auditRows({ after: audit1 }).some((x) => x.record_kind === 'booking' && x.record_id === id),
    'the refusals are in the audit log');
  assert.ok(!(await call(o, 'GET', '/api/v1/my/meetings')).json.meetings.some((x) => x.id === id));
  // Staff may not use the citizen's API.
  const staff = await apiClient(/bjuv\.handlaggare2$/);
  assert.equal((await call(staff, 'GET', '/api/v1/my/meetings')).status, 403);

  // Rebook with the version read; then a stale version is refused.
  r = await call(c, 'POST', `/api/v1/my/meetings/${id}/rebook`, { slot: f.free[1].slot, version: m.version });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const moved = (await call(c, 'GET', `/api/v1/my/meetings/${id}`)).json;
  assert.equal(moved.starts_at, f.free[1].starts_at);
  assert.ok(moved.version > m.version);
  const back = await free(c, host);
  assert.ok(back.free.some((x) => x.slot === f.free[0].slot), 'the old time is free again');
  r = await call(c, 'POST', `/api/v1/my/meetings/${id}/rebook`, { slot: f.free[2].slot, version: m.version });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.key, 'booking.error.changed');
  assert.equal((await call(c, 'GET', `/api/v1/my/meetings/${id}`)).json.starts_at, f.free[1].starts_at, 'not moved');
  r = await call(c, 'POST', `/api/v1/my/meetings/${id}/rebook`, { slot: 'x', version: moved.version });
  assert.equal(r.json.error.key, 'booking.error.choose_time');

  // Cancel: the time is free again; cancelling twice says so.
  r = await call(c, 'POST', `/api/v1/my/meetings/${id}/cancel`);
  assert.equal(r.status, 200);
  assert.equal(r.json.state, 'cancelled');
  assert.ok((await free(c, host)).free.some((x) => x.slot === f.free[1].slot));
  r = await call(c, 'POST', `/api/v1/my/meetings/${id}/cancel`);
  assert.equal(r.status, 409);
  assert.equal(r.json.error.key, 'booking.error.not_booked');
});

test('twenty API bookings of one time at once: exactly one 201, the rest 409 booking.error.taken', async () => {
  const people = await citizens('Helsingborg');
  const clients = [];
  for (let i = 0; i < 20; i++) clients.push(await apiClient(exact(people[i % people.length])));
  const host = await firstLine(clients[0], 'Helsingborg');
  const slot = (await free(clients[0], host)).free[0].slot;
  const answers = await Promise.all(clients.map((c) => call(c, 'POST', '/api/v1/my/meetings', { slot, kind: 'office' })));
  const statuses = answers.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 1, `one winner: ${statuses}`);
  assert.equal(statuses.filter((s) => s === 409).length, 19, `the others told: ${statuses}`);
  for (const r of answers.filter((x) => x.status === 409)) {
    assert.equal(r.json.error.key, 'booking.error.taken');
    assert.match(r.json.error.message, /Någon annan bokade den tiden alldeles nyss/);
  }
  assert.ok(!(await free(clients[1], host)).free.some((x) => x.slot === slot));
});

test('a proposed time accepted through the API; staff list their meetings and an interpreter only time, kind and language', async () => {
  // Staff propose two times through the page (as in booking.test.mjs).
  const staff = new Client(server.base);
  await staff.loginAs(/bjuv\.handlaggare2$/);
  let html = await (await staff.get('/arbete/moten')).text();
  const csrf = staff.csrfFrom(html);
  const unit = /<select class="ds-input" id="enhet" name="enhet">\s*<option value="(\d+)"/.exec(html)[1];
  let r = await staff.post('/arbete/moten/tider', { csrf, enhet: unit, for: 'mig', dag: '7', fran: '10:00', till: '12:00', langd: '30', mellan: '0', typ: 'phone' });
  assert.equal(r.status, 303);
  let person, personId;
  for (const p of await citizens('Bjuv')) {
    const found = await (await staff.get(`/arbete?pnr=${p.value.slice(8)}`)).text();
    const id = /href="\/arbete\/person\/(\d+)"/.exec(found)?.[1];
    if (id && (await staff.get(`/arbete/person/${id}`)).status === 200) { person = p; personId = id; break; }
  }
  assert.ok(personId, 'a person of the officer\'s unit');
  html = await (await staff.get(`/arbete/moten/boka?person=${personId}`)).text();
  const own = [...html.matchAll(/<option value="([0-9]+-[0-9]+)"[^>]*>([^<]*)</g)].find((m) => /mina tider/.test(m[2]));
  html = await (await staff.get(`/arbete/moten/boka?person=${personId}&hos=${own[1]}`)).text();
  const sunday = [...html.matchAll(/name="tid" value="([0-9]+-[0-9]+)" id="tid-\d+"><label[^>]*>söndag/g)].map((m) => m[1]);
  assert.ok(sunday.length >= 2, 'Sunday times offered');
  r = await staff.post('/arbete/moten/boka', new URLSearchParams([
    ['csrf', csrf], ['person', personId], ['arende', '0'], ['hos', own[1]], ['typ', 'phone'],
    ['tid', sunday[0]], ['tid', sunday[1]], ['atgard', 'foresla']]));
  assert.equal(r.status, 303);

  const c = await apiClient(exact(person));
  const proposed = (await call(c, 'GET', '/api/v1/my/meetings')).json.meetings.find((x) => x.state === 'proposed');
  assert.ok(proposed, 'the proposal is listed');
  const times = sunday.slice(0, 2).map((s) => Number(s.split('-')[1]));
  assert.deepEqual([...proposed.proposals].sort(), [...times].sort());
  r = await call(c, 'POST', `/api/v1/my/meetings/${proposed.id}/accept`, { starts_at: 12345 });
  assert.equal(r.status, 400);
  r = await call(c, 'POST', `/api/v1/my/meetings/${proposed.id}/accept`, { starts_at: times[1] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const booked = (await call(c, 'GET', `/api/v1/my/meetings/${proposed.id}`)).json;
  assert.equal(booked.state, 'booked');
  assert.equal(booked.starts_at, times[1]);
  r = await call(c, 'POST', `/api/v1/my/meetings/${proposed.id}/accept`, { starts_at: times[0] });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.key, 'booking.error.not_proposed');

  // The officer's list through the API, audited.
  const s = await apiClient(/bjuv\.handlaggare2$/);
  const audit0 = auditLastId();
  const mine = await call(s, 'GET', '/api/v1/meetings');
  assert.equal(mine.status, 200);
  const seen = mine.json.meetings.find((x) => x.id === proposed.id);
  assert.ok(seen, 'the officer sees the meeting');
  assert.equal(seen.person, person.label.split(',')[0]);
  assert.ok(auditRows({ after: audit0 }).some((x) => x.record_kind === 'booking' && x.action === 'read'));
  assert.equal((await call(c, 'GET', '/api/v1/meetings')).status, 403, 'not for citizens');

  // An interpreter's assignment: time, kind and language; no person, no case.
  const [p2] = (await citizens('Helsingborg')).slice(-1);
  const c2 = await apiClient(exact(p2));
  const host = await firstLine(c2, 'Helsingborg');
  const slot = (await free(c2, host)).free.at(-1).slot;
  r = await call(c2, 'POST', '/api/v1/my/meetings', { slot, kind: 'video', interpreter_language: 'ar', interpreter_mode: 'remote' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const tolk = await apiClient(/helsingborg\.digital-tolktjanst$/);
  const jobs = (await call(tolk, 'GET', '/api/v1/meetings')).json.meetings;
  const job = jobs.find((x) => x.id === r.json.id);
  if (job) {
    assert.equal(job.role, 'interpreter');
    assert.equal(job.interpreter.language, 'ar');
    assert.ok(!job.person && !job.case_reference, 'nothing of the person');
  } else {
    // Two interpreters speak Arabic: the other one holds it.
    assert.ok(jobs.every((x) => !x.person), 'nothing of any person');
  }
});
