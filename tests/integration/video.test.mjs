// Video meeting signalling over plain HTTP (src/domain/video.c,
// src/web/page_video.c), on both engines: only the invited participants
// of a booked video meeting take a seat, only from ten minutes before
// its start until its end, with the session's CSRF token; the TURN
// credential is coturn's shared-secret scheme and ends with the meeting;
// a message goes only to its addressee in the same room (or to all of
// that room), is written again by nara from what it read, and is
// announced on the room's event stream; a seat speaks only for the
// session that took it; joining and leaving are audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditRows, auditLastId, cli, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { openStream } from '../lib/sse.mjs';
import { demoAccount } from '../lib/democase.mjs';
import { bookMeeting, sql, staffId } from '../lib/video.mjs';

const SECRET = 'test-turn-secret';
const TURN_URLS = 'turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp';
let server, pnr, officer, interpreter, meeting, other;
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1', NARA_TURN_URLS: TURN_URLS, NARA_TURN_SECRET: SECRET });
  pnr = (await demoAccount(server.base)).value.slice('citizen:'.length);
  officer = staffId('helsingborg.handlaggare');
  interpreter = staffId('helsingborg.digital-tolktjanst');
  meeting = bookMeeting({ pnr, officer, interpreter, starts: now() + 300, ends: now() + 3900 });
  other = bookMeeting({ pnr, officer, interpreter, starts: now() - 60, ends: now() + 3600 });
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

// A logged-in client with its session's CSRF token.
async function participant(account) {
  const c = new Client(server.base);
  await c.loginAs(new RegExp(`^${account}$`));
  c.csrf = c.csrfFrom(await (await c.get('/konto/inloggningar')).text());
  assert.ok(c.csrf);
  return c;
}

function postJSON(c, path, body, { csrf = c.csrf, type = 'application/json' } = {}) {
  return c.get(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': type, 'X-CSRF-Token': csrf } });
}

async function join(c, id = meeting) {
  const res = await postJSON(c, `/mote/${id}/in`, {});
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function fetchFor(c, seat, after = seat.after, id = meeting) {
  const res = await c.get(`/mote/${id}/signal?plats=${seat.peer}&efter=${after}`);
  assert.equal(res.status, 200);
  return res.json();
}

test('only invited, logged-in participants take a seat, with the form token', async () => {
  const anonymous = new Client(server.base);
  let res = await anonymous.get(`/mote/${meeting}`);
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /^\/login/);
  res = await postJSON(anonymous, `/mote/${meeting}/in`, {}, { csrf: 'x' });
  assert.equal(res.status, 401);

  const stranger = await participant(`staff:${staffId('helsingborg.teamledare')}`);
  res = await stranger.get(`/mote/${meeting}`);
  assert.equal(res.status, 403);
  assert.doesNotMatch(await res.text(), /Mötet öppnar|video-join/);
  res = await postJSON(stranger, `/mote/${meeting}/in`, {});
  assert.equal(res.status, 403);
  // Another municipality's officer, and a citizen who is someone else.
  const bjuv = await participant(`staff:${staffId('bjuv.handlaggare')}`);
  assert.equal((await postJSON(bjuv, `/mote/${meeting}/in`, {})).status, 403);
  const [[otherPnr]] = sql(`SELECT personnummer FROM person WHERE personnummer <> '${pnr}'
    AND protected_identity = 0 ORDER BY id LIMIT 1`);
  const someoneElse = await participant(`citizen:${otherPnr}`);
  assert.equal((await postJSON(someoneElse, `/mote/${meeting}/in`, {})).status, 403);
  assert.equal((await someoneElse.get(`/mote/${meeting}`)).status, 403);
  assert.equal((await someoneElse.get('/mote/999999999')).status, 404);

  const citizen = await participant(`citizen:${pnr}`);
  res = await postJSON(citizen, `/mote/${meeting}/in`, {}, { csrf: 'not-the-token' });
  assert.equal(res.status, 403);
  res = await citizen.get(`/mote/${meeting}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('permissions-policy'), /camera=\(self\)/);
  assert.match(res.headers.get('content-security-policy'), /connect-src 'self'/);
  const html = await res.text();
  assert.match(html, /<script src="\/static\/video.js" defer><\/script>/);
  assert.match(html, /Videomötet behöver JavaScript/);
  // Other pages keep the camera and microphone off.
  assert.match((await citizen.get('/mina-sidor')).headers.get('permissions-policy'), /camera=\(\)/);
});

test('the door opens ten minutes before the start and shuts at the end', async () => {
  const citizen = await participant(`citizen:${pnr}`);
  const early = bookMeeting({ pnr, officer, interpreter, starts: now() + 11 * 60, ends: now() + 3600 });
  const ended = bookMeeting({ pnr, officer, interpreter, starts: now() - 3600, ends: now() - 1 });
  const cancelled = bookMeeting({ pnr, officer, interpreter, starts: now(), ends: now() + 3600, state: 'cancelled' });
  const office = bookMeeting({ pnr, officer, interpreter, starts: now(), ends: now() + 3600, kind: 'office' });
  for (const [id, text] of [[early, /Mötet öppnar 10 minuter innan det börjar, \d+ \S+ \d{4} kl\. \d\d:\d\d/],
    [ended, /Mötet har slutat/], [cancelled, /Mötet är inställt/], [office, /inte ett videomöte/]]) {
    const res = await citizen.get(`/mote/${id}`);
    assert.equal(res.status, 403);
    const page = await res.text();
    assert.match(page, text);
    assert.doesNotMatch(page, /id="video-join"/);
    assert.equal((await postJSON(citizen, `/mote/${id}/in`, {})).status, 403);
  }
  // Nine minutes before: open (the meeting of the other tests starts in five).
  const soon = bookMeeting({ pnr, officer, interpreter, starts: now() + 9 * 60, ends: now() + 3600 });
  assert.equal((await citizen.get(`/mote/${soon}`)).status, 200);
});

test('an operator may open rooms earlier (NARA_VIDEO_OPEN_MINUTES); a bad value stops the start', async () => {
  for (const v of ['-1', '1441', 'ten', '10m']) {
    const r = cli(['serve'], { NARA_LISTEN: '127.0.0.1:0', NARA_VIDEO_OPEN_MINUTES: v });
    assert.notEqual(r.status, 0, v);
    assert.match(r.stderr, /NARA_VIDEO_OPEN_MINUTES must be minutes from 0 to 1440/);
  }
  const inHour = bookMeeting({ pnr, officer, interpreter, starts: now() + 3600, ends: now() + 5400 });
  const inThree = bookMeeting({ pnr, officer, interpreter, starts: now() + 3 * 3600, ends: now() + 4 * 3600 });
  // The default server: an hour ahead is too early.
  const citizen = await participant(`citizen:${pnr}`);
  assert.equal((await citizen.get(`/mote/${inHour}`)).status, 403);
  const second = await startServer({ NARA_DEV_LOGIN: '1', NARA_VIDEO_OPEN_MINUTES: '120' });
  try {
    const c = new Client(second.base);
    await c.loginAs(new RegExp(`^citizen:${pnr}$`));
    c.csrf = c.csrfFrom(await (await c.get('/konto/inloggningar')).text());
    assert.equal((await c.get(`/mote/${inHour}`)).status, 200);
    assert.equal((await postJSON(c, `/mote/${inHour}/in`, {})).status, 200);
    // Too early even so: the page names the time, not the default's ten minutes.
    const res = await c.get(`/mote/${inThree}`);
    assert.equal(res.status, 403);
    const page = await res.text();
    assert.match(page, /Mötet öppnar \d+ \S+ \d{4} kl\. \d\d:\d\d\. Kom tillbaka då/);
    assert.doesNotMatch(page, /10 minuter/);
  } finally {
    assert.equal((await stopServer(second)).code, 0, second.stderr.slice(-2000));
  }
});

test('TURN credentials are coturn\'s shared-secret scheme and end with the meeting', async () => {
  const officerClient = await participant(`staff:${officer}`);
  const seat = await join(officerClient);
  assert.match(seat.peer, /^[0-9a-f]{32}$/);
  assert.equal(seat.role, 'officer');
  assert.equal(seat.relayOnly, false);
  assert.equal(seat.iceServers.length, 1);
  const ice = seat.iceServers[0];
  assert.deepEqual(ice.urls, TURN_URLS.split(','));
  const [expires, name] = ice.username.split(':');
  assert.equal(name, seat.peer, 'the TURN username names the seat, not the person');
  const [[ends]] = sql(`SELECT ends_at FROM booking WHERE id = ${meeting}`);
  assert.equal(Number(expires), Number(ends) + 600);
  assert.equal(ice.credential, crypto.createHmac('sha1', SECRET).update(ice.username).digest('base64'));
});

test('messages reach only their addressee in the same room, written again by nara', async () => {
  const first = auditLastId();
  const citizen = await participant(`citizen:${pnr}`);
  const officerClient = await participant(`staff:${officer}`);
  const interp = await participant(`staff:${interpreter}`);
  const a = await join(citizen);
  const b = await join(officerClient);
  const c = await join(interp);
  // A seat in another room, of the same people.
  const elsewhere = await join(officerClient, other);

  // Those seated before hear of the later joins; nobody hears their own.
  const seenByA = await fetchFor(citizen, a);
  assert.deepEqual(seenByA.map((m) => [m.from, m.role, m.msg.type]),
    [[b.peer, 'officer', 'join'], [c.peer, 'interpreter', 'join']]);
  assert.deepEqual(await fetchFor(interp, c), []);

  const stream = await openStream(server.base, `/mote/${meeting}/handelser?plats=${c.peer}&efter=${c.after}`,
    interp.cookieHeader());
  assert.equal(stream.status, 200);
  assert.match(stream.headers['content-type'], /text\/event-stream/);

  const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n';
  let res = await postJSON(citizen, `/mote/${meeting}/signal?plats=${a.peer}`, { type: 'offer', to: c.peer, sdp });
  assert.equal(res.status, 200);
  const { id } = await res.json();
  const event = await stream.next((e) => e.event === 'change');
  assert.deepEqual(JSON.parse(event.data), { video: meeting, version: id });
  stream.close();

  const atC = await fetchFor(interp, c);
  assert.deepEqual(atC, [{ id, from: a.peer, role: 'citizen', msg: { type: 'offer', to: c.peer, sdp } }]);
  // Not for the officer's seat, nor for the same people's other room.
  assert.deepEqual((await fetchFor(officerClient, b)).filter((m) => m.msg.type === 'offer'), []);
  assert.deepEqual(await fetchFor(officerClient, elsewhere, elsewhere.after, other), []);

  // An addressee in another room, or a seat that is not the sender's.
  res = await postJSON(citizen, `/mote/${meeting}/signal?plats=${a.peer}`,
    { type: 'answer', to: elsewhere.peer, sdp });
  assert.equal(res.status, 404);
  res = await postJSON(citizen, `/mote/${meeting}/signal?plats=${b.peer}`, { type: 'offer', to: c.peer, sdp });
  assert.equal(res.status, 403, 'the citizen cannot speak for the officer\'s seat');
  res = await citizen.get(`/mote/${meeting}/signal?plats=${c.peer}&efter=0`);
  assert.equal(res.status, 403, 'nor read the interpreter\'s messages');
  res = await citizen.get(`/mote/${meeting}/handelser?plats=${c.peer}&efter=0`);
  assert.equal(res.status, 403);
  // The same seat used in another room.
  res = await postJSON(officerClient, `/mote/${other}/signal?plats=${b.peer}`, { type: 'leave' });
  assert.equal(res.status, 403);

  // What nara does not read, it does not relay.
  for (const [body, status, type] of [
    [{ type: 'offer', to: c.peer, sdp, extra: '<script>' }, 400],
    [{ type: 'join' }, 400],
    ['{"type":', 400],
    [{ type: 'offer', to: c.peer, sdp: 'x'.repeat(20000) }, 413],
    [{ type: 'offer', to: c.peer, sdp }, 415, 'text/plain'],
  ]) {
    res = await postJSON(citizen, `/mote/${meeting}/signal?plats=${a.peer}`, body, type ? { type } : {});
    assert.equal(res.status, status, JSON.stringify(body).slice(0, 80));
  }
  assert.deepEqual(await fetchFor(interp, c, id), []);

  // Leaving: to everyone, audited, and the seat is spent.
  res = await postJSON(interp, `/mote/${meeting}/signal?plats=${c.peer}`, { type: 'leave' });
  assert.equal(res.status, 200);
  const left = await fetchFor(citizen, a, id);
  assert.deepEqual(left.map((m) => [m.from, m.msg.type]), [[c.peer, 'leave']]);
  res = await postJSON(interp, `/mote/${meeting}/signal?plats=${c.peer}`, { type: 'offer', to: a.peer, sdp });
  assert.equal(res.status, 403);
  res = await postJSON(citizen, `/mote/${meeting}/signal?plats=${a.peer}`, { type: 'offer', to: c.peer, sdp });
  assert.equal(res.status, 404, 'no message to a seat that has left');

  const rows = auditRows({ after: first }).filter((r) => r.record_kind === 'video_meeting');
  const mine = rows.filter((r) => r.record_id === meeting);
  assert.deepEqual(mine.map((r) => [r.action, r.actor_kind, r.reason]), [
    ['video_join', 'citizen', 'citizen'], ['video_join', 'staff', 'officer'],
    ['video_join', 'staff', 'interpreter'], ['video_leave', 'staff', 'interpreter'],
  ]);
  assert.ok(mine.every((r) => r.person_id > 0 && r.municipality_id > 0));
});

test('TURN settings: URLs need the secret; the secret may come from a file', async () => {
  const r = cli(['serve'], { NARA_LISTEN: '127.0.0.1:0', NARA_TURN_URLS: 'turn:127.0.0.1:3478' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /NARA_TURN_URLS needs NARA_TURN_SECRET or NARA_TURN_SECRET_FILE/);
  const bad = cli(['serve'], { NARA_LISTEN: '127.0.0.1:0', NARA_TURN_URLS: 'http://x', NARA_TURN_SECRET: 's' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /NARA_TURN_URLS must be turn:, turns: or stun: URLs/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-turn-secret-'));
  const file = path.join(dir, 'turn.secret');
  fs.writeFileSync(file, 'from-a-file\n');
  const second = await startServer({ NARA_DEV_LOGIN: '1', NARA_TURN_URLS: 'turn:127.0.0.1:3478',
    NARA_TURN_SECRET_FILE: file, NARA_TURN_RELAY_ONLY: '1' });
  try {
    const c = new Client(second.base);
    await c.loginAs(new RegExp(`^staff:${officer}$`));
    c.csrf = c.csrfFrom(await (await c.get('/konto/inloggningar')).text());
    const res = await postJSON(c, `/mote/${meeting}/in`, {});
    assert.equal(res.status, 200);
    const seat = await res.json();
    assert.equal(seat.relayOnly, true);
    const ice = seat.iceServers[0];
    assert.equal(ice.credential,
      crypto.createHmac('sha1', 'from-a-file').update(ice.username).digest('base64'),
      'the newline that ends the file is not part of the secret');
  } finally {
    assert.equal((await stopServer(second)).code, 0, second.stderr.slice(-2000));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a video meeting booked through the booking pages has its room, linked for its participants', async () => {
  const [[personId]] = sql(`SELECT p.id FROM person p JOIN municipality m ON m.id = p.municipality_id
    WHERE m.slug = 'helsingborg' AND p.personnummer = '${pnr}'`);
  const staff = await participant(`staff:${officer}`);
  let html = await (await staff.get(`/arbete/moten/boka?person=${personId}`)).text();
  const hosts = [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(hosts.length > 0, 'whose hours to book');
  let slot = null, host = null;
  for (const h of hosts) {
    html = await (await staff.get(`/arbete/moten/boka?person=${personId}&hos=${encodeURIComponent(h)}`)).text();
    const m = /name="tid" value="(\d+-(\d+))"/.exec(html);
    if (m && /value="video"/.test(html)) { slot = m; host = h; break; }
  }
  assert.ok(slot, 'published hours that offer video');
  const res = await staff.post('/arbete/moten/boka', {
    csrf: staff.csrf, person: personId, arende: '', hos: host, typ: 'video', tid: slot[1],
    tolk: 'ar', tolksatt: 'remote', atgard: 'boka',
  });
  assert.equal(res.status, 303, await res.text());
  const [[id, interp, starts]] = sql(`SELECT id, interpreter_staff_id, starts_at FROM booking
    WHERE person_id = ${personId} AND kind = 'video' AND state = 'booked' ORDER BY id DESC LIMIT 1`);
  assert.ok(Number(interp) > 0, 'an interpreter was booked');
  assert.equal(Number(starts), Number(slot[2]));

  // Linked for the officer and the person; the room says when it opens.
  assert.match(await (await staff.get('/arbete/moten')).text(), new RegExp(`href="/mote/${id}"`));
  const citizen = await participant(`citizen:${pnr}`);
  assert.match(await (await citizen.get(`/mina-sidor/moten/${id}`)).text(), new RegExp(`href="/mote/${id}"`));
  const interpreterClient = await participant(`staff:${interp}`);
  for (const c of [staff, citizen, interpreterClient]) {
    const page = await c.get(`/mote/${id}`);
    const expected = Number(starts) - 600 > now() ? 403 : 200;
    assert.equal(page.status, expected);
    if (expected === 403) assert.match(await page.text(), /Mötet öppnar 10 minuter innan det börjar/);
  }
});
