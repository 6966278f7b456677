// Every page, and exactly the audit rows it writes (DOMAIN.md R4.2): who
// (actor), acting for which committee (municipality), what (action and
// record), whose data (person), why (reason), flagged or not, and the
// request that did it (X-Request-Id). Pages that read no record write no
// row; a refused read writes a flagged one. The chain verifies afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { auditRows, cli, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Demo, BJUV, personId, audited, pick } from '../lib/demo.mjs';

let server, demo;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  demo = new Demo(server.base);
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

// The rows of one response: exactly `expected`, each carrying its request
// id, and the same rows when the log is asked for that request's.
function expectRows(res, rows, expected) {
  assert.deepEqual(rows.map(pick), expected);
  const id = res.headers.get('x-request-id');
  assert.match(id, /^[0-9a-f]{16}$/);
  for (const row of rows) assert.equal(row.request_id, id, `${row.action} ${row.record_kind}`);
  assert.deepEqual(auditRows({ request: id }), rows);
}

function row(actor, fields) {
  return { actor_kind: 'staff', actor_id: actor.id, actor_label: actor.label, municipality_id: BJUV,
    record_id: 0, person_id: 0, reason: '', flagged: false, ...fields };
}

const read = (actor, id, fields = {}) => row(actor, { action: 'read', record_kind: 'person', record_id: id,
  person_id: id, reason: "the unit's caseload", ...fields });

test('/arbete: the worklist is one row; a search writes its own row and one per person found', async () => {
  const officer = await demo.staff('bjuv.handlaggare');
  const c = await demo.login(/ · bjuv\.handlaggare$/);
  const [own, other] = await demo.pnrs(/, Bjuv$/);
  const hbg = await demo.pnr(/, Helsingborg$/);
  const ownId = await personId(await demo.login(/ · bjuv\.handlaggare$/), own);
  const otherId = await personId(await demo.login(/ · bjuv\.handlaggare2$/), other);
  // /arbete is the worklist: one row says which list was read and how long
  // it was (each case opened from it is a row of its own); the counts per
  // unit beside it are numbers, not people, and write none.
  const get = async (path) => {
    const [res, rows] = await audited(() => c.get(path));
    const shown = /Antal ärenden i listan: (\d+)/.exec(await res.text())?.[1];
    return [res, rows, row(officer, { action: 'read', record_kind: 'worklist', reason: `worklist: ${shown} cases, unit 0` })];
  };

  let [res, rows, worklist] = await get('/arbete');
  assert.equal(res.status, 200);
  expectRows(res, rows, [worklist]);

  [res, rows, worklist] = await get(`/arbete?pnr=${own.slice(0, 8)}-${own.slice(8)}`);
  expectRows(res, rows, [
    worklist,
    row(officer, { action: 'search', record_kind: 'person', reason: own }),
    read(officer, ownId),
  ]);

  // In another unit: found, refused, flagged.
  [res, rows, worklist] = await get(`/arbete?pnr=${other}`);
  expectRows(res, rows, [
    worklist,
    row(officer, { action: 'search', record_kind: 'person', reason: other }),
    read(officer, otherId, { action: 'read_denied', reason: "another unit's record", flagged: true }),
  ]);

  // In another municipality: the search is logged, nobody is found.
  [res, rows, worklist] = await get(`/arbete?pnr=${hbg}`);
  expectRows(res, rows, [worklist, row(officer, { action: 'search', record_kind: 'person', reason: hbg })]);

  // Not a personnummer: nothing was looked up.
  [res, rows, worklist] = await get('/arbete?pnr=19121212-1213');
  expectRows(res, rows, [worklist]);

  // Staff who do no casework have no worklist, and read nothing.
  const admin = await demo.login(/ · bjuv\.admin$/);
  [res, rows] = await audited(() => admin.get('/arbete'));
  assert.equal(res.status, 200);
  assert.doesNotMatch(await res.text(), /Arbetslista/);
  expectRows(res, rows, []);
});

test('/arbete/person/{id}: one row per view, refused or allowed, by reason or not', async () => {
  const officer = await demo.staff('bjuv.handlaggare');
  const c = await demo.login(/ · bjuv\.handlaggare$/);
  const [own, other] = await demo.pnrs(/, Bjuv$/);
  const ownId = await personId(c, own);
  const otherId = await personId(await demo.login(/ · bjuv\.handlaggare2$/), other);

  let [res, rows] = await audited(() => c.get(`/arbete/person/${ownId}`));
  assert.equal(res.status, 200);
  expectRows(res, rows, [read(officer, ownId)]);

  [res, rows] = await audited(() => c.get(`/arbete/person/${otherId}`));
  assert.equal(res.status, 403);
  expectRows(res, rows, [read(officer, otherId, { action: 'read_denied', reason: "another unit's record", flagged: true })]);

  const csrf = /name="csrf" value="([^"]+)"/.exec(await res.text())[1];
  const reason = 'Akut placering i natt, jouren behöver kontaktuppgifterna.';
  [res, rows] = await audited(() => c.post(`/arbete/person/${otherId}`, { csrf, reason }));
  assert.equal(res.status, 200);
  expectRows(res, rows, [read(officer, otherId, { action: 'read_break_glass', reason, flagged: true })]);

  // A reason for someone of one's own unit opens nothing extra: an ordinary read.
  [res, rows] = await audited(() => c.post(`/arbete/person/${ownId}`, { csrf, reason }));
  assert.equal(res.status, 200);
  assert.doesNotMatch(await res.text(), /angivet skäl/);
  expectRows(res, rows, [read(officer, ownId)]);

  // No such person: no record, no row.
  [res, rows] = await audited(() => c.get('/arbete/person/99999999'));
  assert.equal(res.status, 404);
  expectRows(res, rows, []);
});

test('/mina-sidor and /mina-sidor/barn/{id}: the citizen\'s own records, the guardian\'s child, audited', async () => {
  const officer = await demo.login(/ · bjuv\.handlaggare$/);
  const sara = await demo.pnr(/^Sara Lind, Bjuv$/);
  const saraId = await personId(officer, sara);
  const alva = await personId(officer, await demo.pnr(/^Alva Lind, Bjuv$/));
  const label = `invånare ${sara.slice(0, 8)}-****`;
  const citizen = { actor_kind: 'citizen', actor_id: 0, actor_label: label, municipality_id: BJUV,
    record_kind: 'person', flagged: false };
  const c = await demo.login(new RegExp(`^citizen:${sara}$`));

  let [res, rows] = await audited(() => c.get('/mina-sidor'));
  assert.equal(res.status, 200);
  expectRows(res, rows, [
    { ...citizen, action: 'read', record_id: saraId, person_id: saraId, reason: "the citizen's own record" },
    { ...citizen, action: 'read', record_id: alva, person_id: alva, reason: 'guardian of a child under 13' },
  ]);

  [res, rows] = await audited(() => c.get(`/mina-sidor/barn/${alva}`));
  assert.equal(res.status, 200);
  expectRows(res, rows, [
    { ...citizen, action: 'read', record_id: alva, person_id: alva, reason: 'guardian of a child under 13' },
  ]);

  // Her own record asked for as a child's page is simply her own record.
  [res, rows] = await audited(() => c.get(`/mina-sidor/barn/${saraId}`));
  assert.equal(res.status, 200);
  expectRows(res, rows, [
    { ...citizen, action: 'read', record_id: saraId, person_id: saraId, reason: "the citizen's own record" },
  ]);
});

test('/arbete/granskning: reading the log is itself a row; recording the review is another', async () => {
  const sec = await demo.staff('bjuv.sakerhet');
  const c = await demo.login(/ · bjuv\.sakerhet$/);
  let [res, rows] = await audited(() => c.get('/arbete/granskning?flagged=1&user=handlaggare'));
  assert.equal(res.status, 200);
  expectRows(res, rows, [row(sec, { action: 'review', record_kind: 'audit_log' })]);

  const csrf = /name="csrf" value="([^"]+)"/.exec(await res.text())[1];
  [res, rows] = await audited(() => c.post('/arbete/granskning', { csrf, month: '2025-03', note: 'Stickprov' }));
  assert.equal(res.status, 303);
  assert.ok(rows[0]?.record_id > 0);
  expectRows(res, rows, [row(sec, { action: 'review_done', record_kind: 'audit_review',
    record_id: rows[0].record_id, reason: '2025-03' })]);

  // Refused at the door: a case officer is not the security officer.
  const officer = await demo.login(/ · bjuv\.handlaggare$/);
  [res, rows] = await audited(() => officer.get('/arbete/granskning'));
  assert.equal(res.status, 403);
  expectRows(res, rows, []);
});

test('/konto/inloggningar: listing one\'s own logins reads no record; ending one is a row', async () => {
  const staff = await demo.staff('bjuv.teamledare');
  await demo.login(/ · bjuv\.teamledare$/); // the login the desk will end
  const desk = await demo.login(/ · bjuv\.teamledare$/);
  let [res, rows] = await audited(() => desk.get('/konto/inloggningar'));
  assert.equal(res.status, 200);
  expectRows(res, rows, []);
  const page = await res.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)[1];
  const id = /name="id" value="([0-9a-f]{16})"/.exec(page)[1];
  [res, rows] = await audited(() => desk.post('/konto/inloggningar', { csrf, id }));
  assert.equal(res.status, 303);
  // Session rows name the account, not a person's record, and no committee.
  assert.deepEqual(rows.map(pick), [{ actor_kind: 'staff', actor_id: staff.id, actor_label: `staff ${staff.id}`,
    municipality_id: 0, action: 'logout_other', record_kind: 'session', record_id: 0, person_id: 0, reason: '',
    flagged: false }]);
});

test('the chain verifies after every page', () => {
  const v = cli(['audit', 'verify']);
  assert.equal(v.status, 0, v.stderr);
});
