// Secure messages over plain HTTP, on the demo's case (its person is the
// first Helsingborg citizen of the development login, its officer
// helsingborg.handlaggare2 of Vuxen): the person writes with an
// attachment (sealed, type-checked like an application's), the message
// waits in the officer's worklist, the officer's opening reads "Läst" on
// the person's page, the reply (posted as the script posts it) clears the
// worklist; refused messages keep their text and say why; every read and
// write leaves its audit row, every refusal a flagged one; another unit,
// another municipality, another person and the logged-out are refused on
// every path; "journal this" puts a message in the file once; the thread's
// event stream tells of a message within a second without its text; the
// rows are append-only. Runs on both engines (scripts/test.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE, DATABASE, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { openStream } from '../lib/sse.mjs';
import { demoAccount, demoCaseHref } from '../lib/democase.mjs';
import { Demo, HELSINGBORG, audited, pick } from '../lib/demo.mjs';
import { spawnSync } from 'node:child_process';

let server, demo, citizen, href, caseId, officer, officerInfo;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  demo = new Demo(server.base);
  const account = await demoAccount(server.base);
  citizen = new Client(server.base);
  await citizen.loginAs(new RegExp(`^${account.value}$`));
  href = await demoCaseHref(citizen);
  caseId = Number(href.split('/').pop());
  officer = await demo.login(/ · helsingborg\.handlaggare2$/);
  officerInfo = await demo.staff('helsingborg.handlaggare2');
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const PROGRAM = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(200, 7)]);
const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const decode = (s) => s.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

function messageForm(csrf, text, files = []) {
  const f = new FormData();
  if (csrf) f.append('csrf', csrf);
  f.append('text', text);
  for (const file of files) f.append('bilaga', new Blob([file.bytes], { type: file.type || 'application/octet-stream' }), file.name);
  if (files.length === 0) f.append('bilaga', new Blob([]), '');
  return f;
}

async function send(client, path, pagePath, text, files, query = '') {
  const page = await (await client.get(pagePath)).text();
  return client.get(`${path}/meddelanden${query}`, { method: 'POST', body: messageForm(client.csrfFrom(page), text, files) });
}

// The <li> of a message in a page, by its words.
function messageItem(html, words) {
  const items = html.split('<li class="ds-card nara-message').slice(1).map((x) => x.split('</li>')[0]);
  return items.find((x) => decode(x).includes(words));
}

async function worklist(client) {
  const html = await (await client.get('/arbete')).text();
  return /<section aria-labelledby="awaiting">([\s\S]*?)<\/section>/.exec(html)[1];
}

test('the person writes with an attachment, the officer reads and answers, the worklist follows', async () => {
  const text = `Hej! Jag undrar när vi ses nästa gång. ${unique()}`;
  const [res, rows] = await audited(() => send(citizen, href, href, text, [{ name: 'intyg.png', bytes: PNG, type: 'image/png' }]));
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `${href}?sparat=meddelande#meddelanden`);
  // Audited in its transaction: the message and the sealed attachment.
  const mine = rows.filter((r) => r.record_kind === 'message' || r.record_kind === 'document');
  assert.deepEqual(mine.map((r) => [r.actor_kind, r.action, r.record_kind, r.municipality_id, r.flagged]),
    [['citizen', 'create', 'message', HELSINGBORG, false], ['citizen', 'create', 'document', HELSINGBORG, false]]);

  let page = await (await citizen.get(`${href}?sparat=meddelande`)).text();
  assert.match(page, /Meddelandet är skickat/);
  let item = messageItem(page, text);
  assert.ok(item, 'the message is on the person\'s page');
  assert.match(item, /Du, <time/);
  assert.match(item, /Inte läst än/);
  const doc = /href="\/dokument\/(\d+)">Bilaga: intyg\.png/.exec(item)?.[1];
  assert.ok(doc, 'the attachment is linked');

  // Waiting in the officer's worklist, with the badge on the row.
  const reference = /<h1[^>]*>[^<]*?([A-Z]+-\d{4}-\d{6})/.exec(page)[1];
  assert.match(await worklist(officer), new RegExp(`href="/arbete/arende/${caseId}#meddelanden">${reference}</a>`));
  assert.match(await worklist(officer), /Obesvarade meddelanden \(\d+\)<\/h2>/, 'the count in the heading');

  // The officer opens the case: the thread is read (audited) and marked.
  const [open, openRows] = await audited(() => officer.get(`/arbete/arende/${caseId}`));
  assert.equal(open.status, 200);
  const staffPage = await open.text();
  assert.ok(messageItem(staffPage, text), 'the officer sees the message');
  assert.match(messageItem(staffPage, text), /Den enskilde, <time/);
  assert.ok(openRows.some((r) => r.action === 'read' && r.record_kind === 'message_thread' && r.record_id === caseId
    && r.actor_id === officerInfo.id && !r.flagged), 'the thread read is audited');
  // The attachment opens for the officer, as the PNG it was.
  const file = await officer.get(`/dokument/${doc}`);
  assert.equal(file.status, 200);
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), PNG);

  page = await (await citizen.get(href)).text();
  assert.match(messageItem(page, text), /Läst/);
  assert.doesNotMatch(messageItem(page, text), /Inte läst än/);

  // The reply, as the script sends it: the thread comes back, not a redirect.
  const reply = `Hej! Vi ses på tisdag klockan tio. ${unique()}`;
  const r = await send(officer, `/arbete/arende/${caseId}`, `/arbete/arende/${caseId}`, reply, [], '?svar=lista');
  assert.equal(r.status, 200);
  const thread = await r.text();
  assert.ok(thread.startsWith('<div id="meddelanden-lista"'), 'the fragment is the thread alone');
  assert.match(messageItem(thread, reply), /Inte läst än/);
  assert.doesNotMatch(await worklist(officer), new RegExp(`/arbete/arende/${caseId}#`));

  // The person sees the reply by its author; the officer then sees "Läst".
  const fragment = await (await citizen.get(`${href}/meddelanden`)).text();
  assert.ok(decode(messageItem(fragment, reply)).includes(`${officerInfo.name}, <time`), 'the reply names its author');
  assert.doesNotMatch(fragment, /För in i journalen/, 'the person never sees the journal form');
  const again = await (await officer.get(`/arbete/arende/${caseId}/meddelanden`)).text();
  assert.match(messageItem(again, reply), /Läst/);
});

test('a refused message keeps its text and says why; no token is 403', async () => {
  const empty = await send(citizen, href, href, '   ', []);
  assert.equal(empty.status, 400);
  const html = await empty.text();
  assert.match(html, /Skriv något i meddelandet innan du skickar det/);
  assert.match(html, /id="message-text" name="text" rows="4" aria-invalid="true" aria-describedby="message-error"/);

  const text = `Här är min ansökan ${unique()}`;
  const program = await send(citizen, href, href, text, [{ name: 'ansökan.pdf', bytes: PROGRAM, type: 'application/pdf' }]);
  assert.equal(program.status, 400);
  const body = decode(await program.text());
  assert.match(body, /Filen ”ansökan\.pdf” är inte en PDF, PNG eller JPEG/);
  assert.ok(body.includes(`>${text}</textarea>`), 'the text is kept');
  assert.ok(!messageItem(body, text), 'nothing was stored');

  const many = await send(citizen, href, href, text, [1, 2, 3, 4].map((i) => ({ name: `${i}.png`, bytes: PNG, type: 'image/png' })), '?svar=lista');
  assert.equal(many.status, 400);
  assert.match(await many.text(), /högst tre bilagor/);

  // The staff page draws the refusal in its error summary.
  const staff = await send(officer, `/arbete/arende/${caseId}`, `/arbete/arende/${caseId}`, '', []);
  assert.equal(staff.status, 400);
  assert.match(await staff.text(), /href="#message-text"/);

  const noToken = await citizen.get(`${href}/meddelanden`, { method: 'POST', body: messageForm(null, 'utan token') });
  assert.equal(noToken.status, 403);
});

test('the walls: another unit, another municipality, another person, the logged-out', async () => {
  const paths = [`/arbete/arende/${caseId}/meddelanden`, `/arbete/arende/${caseId}/meddelanden/handelser`];
  for (const [who, reason] of [['helsingborg.handlaggare', "another unit's record"], ['bjuv.handlaggare2', "another municipality's record"]]) {
    const c = await demo.login(new RegExp(` · ${who.replace('.', '\\.')}$`));
    const info = await demo.staff(who);
    for (const p of paths) {
      const [res, rows] = await audited(() => c.get(p));
      assert.equal(res.status, 403, `${who} ${p}`);
      assert.deepEqual(rows.map(pick).map((r) => [r.actor_id, r.action, r.record_kind, r.record_id, r.reason, r.flagged]),
        [[info.id, 'read_denied', 'case', caseId, reason, true]], `${who} ${p}`);
    }
    const page = await (await c.get('/arbete')).text();
    const csrf = c.csrfFrom(page);
    const [post, rows] = await audited(() => c.get(paths[0], { method: 'POST', body: messageForm(csrf, 'Får jag skriva här?') }));
    assert.equal(post.status, 403);
    assert.deepEqual(rows.map((r) => [r.action, r.flagged]), [['write_denied', true]]);
    // Nor does their worklist show the waiting thread.
    assert.doesNotMatch(await worklist(c), new RegExp(`/arbete/arende/${caseId}#`));
  }

  // Another Helsingborg citizen.
  const other = (await demo.pnrs(/, Helsingborg$/))[1];
  const stranger = new Client(server.base);
  await stranger.loginAs(new RegExp(`^citizen:${other}$`));
  for (const p of [`${href}/meddelanden`, `${href}/meddelanden/handelser`]) {
    const [res, rows] = await audited(() => stranger.get(p));
    assert.equal(res.status, 403, p);
    assert.deepEqual(rows.map((r) => [r.actor_kind, r.action, r.flagged]), [['citizen', 'read_denied', true]]);
  }
  const csrf = stranger.csrfFrom(await (await stranger.get('/mina-sidor')).text());
  const post = await stranger.get(`${href}/meddelanden`, { method: 'POST', body: messageForm(csrf, 'Hej') });
  assert.equal(post.status, 403);

  // Citizens never on the staff paths, staff never on the person's.
  assert.equal((await citizen.get(`/arbete/arende/${caseId}/meddelanden`)).status, 403);
  assert.equal((await officer.get(`${href}/meddelanden`)).status, 403);
  // The logged-out are sent to log in, and cannot post.
  const anon = new Client(server.base);
  assert.equal((await anon.get(`${href}/meddelanden`)).status, 303);
  assert.equal((await anon.get(`${href}/meddelanden`, { method: 'POST', body: messageForm('x', 'Hej') })).status, 403);
});

test('journal this: the message becomes a note the person reads, once', async () => {
  const text = `Jag har fått ett nytt jobb från måndag. ${unique()}`;
  assert.equal((await send(citizen, href, href, text, [])).status, 303);
  const staffPage = await (await officer.get(`/arbete/arende/${caseId}`)).text();
  const item = messageItem(staffPage, text);
  const id = /id="meddelande-(\d+)"/.exec('<li class="ds-card nara-message' + item)[1];
  const csrf = officer.csrfFrom(staffPage);
  const [res, rows] = await audited(() => officer.post(`/arbete/arende/${caseId}/meddelanden/${id}/journal`, { csrf, synlighet: 'now' }));
  assert.equal(res.status, 303);
  const note = /#anteckning-(\d+)$/.exec(res.headers.get('location'))[1];
  assert.deepEqual(rows.map((r) => [r.action, r.record_kind]),
    [['journal', 'message'], ['create', 'journal_note']]);
  assert.equal(rows[1].record_id, Number(note));

  const after = await (await officer.get(`/arbete/arende/${caseId}`)).text();
  assert.match(messageItem(after, text), new RegExp(`href="#anteckning-${note}">Finns i journalen`));
  assert.ok(decode(after).includes(`Meddelande från den enskilde`));
  // The person reads it in their journal like any released note.
  const mine = decode(await (await citizen.get(href)).text());
  assert.match(mine, new RegExp(`id="anteckning-${note}"[\\s\\S]*?Meddelande från den enskilde, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:`));

  const twice = await officer.post(`/arbete/arende/${caseId}/meddelanden/${id}/journal`, { csrf, synlighet: 'now' });
  assert.equal(twice.status, 409);
  assert.match(await twice.text(), /Meddelandet finns redan i journalen/);
  // The person cannot journal, and a made-up visibility is refused.
  assert.equal((await officer.post(`/arbete/arende/${caseId}/meddelanden/${id}/journal`, { csrf, synlighet: 'reporter_identity2' })).status, 400);
});

test('the stream tells staff of a message within a second, without its text', async (t) => {
  const html = await (await officer.get(`/arbete/arende/${caseId}`)).text();
  const version = Number(/id="meddelanden-lista"[^>]*data-version="(\d+)"/.exec(html)[1]);
  const stream = await openStream(server.base, `/arbete/arende/${caseId}/meddelanden/handelser?version=${version}`, officer.cookieHeader());
  try {
    assert.equal(stream.status, 200);
    const secret = `Hemligt meddelande ${unique()}`;
    const sent = performance.now();
    assert.equal((await send(citizen, href, href, secret, [])).status, 303);
    const e = await stream.next((x) => x.event === 'change', 1000);
    t.diagnostic(`the event came ${Math.round(e.at - sent)} ms after the message was sent`);
    const data = JSON.parse(e.data);
    assert.deepEqual(Object.keys(data).sort(), ['thread', 'version']);
    assert.equal(data.thread, caseId);
    assert.ok(data.version > version);
    assert.ok(!stream.raw.includes('Hemligt'));
    const part = await (await officer.get(`/arbete/arende/${caseId}/meddelanden`)).text();
    assert.ok(part.includes(secret));
  } finally {
    stream.close();
  }
});

test('messages are append-only in the database', { skip: ENGINE !== 'sqlite' && 'checked with the sqlite3 shell' }, () => {
  const file = DATABASE.replace(/^sqlite:/, '');
  for (const sql of ['UPDATE message SET body = \'x\'', 'DELETE FROM message', 'DELETE FROM message_journal']) {
    const r = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
    assert.notEqual(r.status, 0, sql);
    assert.match(r.stderr, /append-only/, sql);
  }
});

// The JSON API: the same thread, the same checks, the same walls.
async function api(client, method, path, body) {
  if (!client.apiCsrf) client.apiCsrf = (await (await client.get('/api/v1/me')).json()).csrf;
  const res = await client.get(path, { method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': client.apiCsrf } });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json };
}

test('the API: write with an attachment, read both sides, journal, and the walls', async () => {
  const text = `Via appen: kan vi flytta mötet? ${unique()}`;
  const made = await api(citizen, 'POST', `/api/v1/my/cases/${caseId}/messages`,
    { body: text, attachments: [{ filename: 'kallelse.png', content: PNG.toString('base64') }] });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const mine = await api(citizen, 'GET', `/api/v1/my/cases/${caseId}/messages`);
  assert.equal(mine.status, 200);
  const m = mine.json.messages.find((x) => x.id === made.json.id);
  assert.equal(m.body, text);
  assert.equal(m.author_kind, 'citizen');
  assert.equal(m.read, false);
  assert.equal(m.attachments[0].filename, 'kallelse.png');
  assert.equal(mine.json.awaiting_staff, true);
  assert.ok(!('journal_note_id' in m));

  const staff = await api(officer, 'GET', `/api/v1/cases/${caseId}/messages`);
  assert.equal(staff.status, 200);
  assert.ok(staff.json.messages.some((x) => x.id === made.json.id));
  assert.equal((await api(citizen, 'GET', `/api/v1/my/cases/${caseId}/messages`)).json.messages.find((x) => x.id === made.json.id).read, true);

  const bad = await api(citizen, 'POST', `/api/v1/my/cases/${caseId}/messages`,
    { body: 'En fil', attachments: [{ filename: 'virus.pdf', content: PROGRAM.toString('base64') }] });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.key, 'document.error.type');
  assert.match(bad.json.error.message, /virus\.pdf/);
  assert.equal((await api(citizen, 'POST', `/api/v1/my/cases/${caseId}/messages`, { body: '' })).status, 400);

  const reply = await api(officer, 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Ja, torsdag går bra.' });
  assert.equal(reply.status, 201);
  const note = await api(officer, 'POST', `/api/v1/cases/${caseId}/messages/${made.json.id}/journal`, { visibility: 'withheld', withheld_reason: 'third_party' });
  assert.equal(note.status, 201);
  assert.equal((await api(officer, 'POST', `/api/v1/cases/${caseId}/messages/${made.json.id}/journal`, {})).status, 409);
  const after = await api(officer, 'GET', `/api/v1/cases/${caseId}/messages`);
  assert.equal(after.json.messages.find((x) => x.id === made.json.id).journal_note_id, note.json.id);
  assert.equal(after.json.awaiting_staff, false);
  // A withheld journal copy is not in the person's file.
  const file = await api(citizen, 'GET', `/api/v1/my/cases/${caseId}`);
  assert.ok(!JSON.stringify(file.json).includes(`"id":${note.json.id},`));

  const other = await demo.login(/ · helsingborg\.handlaggare$/);
  assert.equal((await api(other, 'GET', `/api/v1/cases/${caseId}/messages`)).status, 403);
  assert.equal((await api(other, 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Hej' })).status, 403);
  assert.equal((await api(officer, 'GET', `/api/v1/my/cases/${caseId}/messages`)).status, 403);
});
