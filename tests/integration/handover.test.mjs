// A person who moves (R3.4), over plain HTTP on either engine: a Bjuv case
// officer hands a case over to Helsingborg as a package with a disclosure
// decision; withheld notes go only when said so on purpose; Helsingborg's
// reception sees the handover without personal data until it opens it
// (audited), accepts it into a NEW case holding exactly the chosen parts,
// and Bjuv's case is closed. Not shared access: afterwards neither side
// reads the other's case. A second handover is declined with a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Demo, BJUV, HELSINGBORG, audited } from '../lib/demo.mjs';
import { sql as rows } from '../lib/video.mjs';

const sql = (statement) => rows(statement).map((r) => r[0]).join('\n');
// A text column with its line breaks as spaces (the helper reads one row a line).
const oneLine = (column) => `replace(${column}, ${ENGINE === 'sqlite' ? 'char(10)' : 'chr(10)'}, ' ')`;

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

const csrfOf = (html) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];

function form(csrf, fields) {
  const p = new URLSearchParams({ csrf });
  for (const [k, v] of fields) p.append(k, v);
  return p;
}
async function post(client, path, fields) {
  const html = await (await client.get(path.replace(/\/(ta-emot|avboj)$/, ''))).text();
  return client.get(path, { method: 'POST', body: form(csrfOf(html), fields).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
}

// A Bjuv case of Barn och familj in a state the flow may close, with a person.
function bjuvCase(state) {
  return Number(sql(`SELECT c.id FROM case_file c JOIN unit u ON u.id = c.unit_id JOIN municipality m ON m.id = c.municipality_id
    WHERE m.slug = 'bjuv' AND u.slug = 'barn-och-familj' AND c.state = '${state}' ORDER BY c.id LIMIT 1`));
}
const note = (caseId, like, vis) => Number(sql(`SELECT id FROM journal_note WHERE case_id = ${caseId} AND body LIKE '${like}%' AND visibility = '${vis}'`));

test('a case handed over as a package: only the chosen parts arrive, the old case closes, the walls stay', async () => {
  const caseId = bjuvCase('intervention');
  assert.ok(caseId);
  const first = note(caseId, 'Första samtal', 'now');
  const visit = note(caseId, 'Hembesök', 'now');
  const neighbour = note(caseId, 'Grannen', 'withheld');
  const decision = Number(sql(`SELECT id FROM decision WHERE case_id = ${caseId}`));
  const [pnr, given, family] = rows(`SELECT p.personnummer, p.given_name, p.family_name FROM person p JOIN case_file c ON c.person_id = p.id WHERE c.id = ${caseId}`)[0];
  const officer = await demo.staff('bjuv.handlaggare');
  const receiver = await demo.staff('helsingborg.handlaggare');
  const a = await demo.login(/ · bjuv\.handlaggare$/);
  const page = await a.get(`/arbete/arende/${caseId}/overlamna`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Grannen berättar/);
  assert.match(html, /sekretess mot den enskilde/);
  const version = /name="version" value="(\d+)"/.exec(html)[1];

  const good = [['version', version], ['to', String(HELSINGBORG)], ['identity', '1'], ['application', '1'],
    ['note', String(first)], ['note', String(visit)], ['note', String(neighbour)], ['decision', String(decision)],
    ['legal_basis', 'transfer'], ['decided_by', 'Bo Ek, enhetschef, enligt delegation'],
    ['reasons', 'Familjen har flyttat till Helsingborg och insatsen behöver fortsätta där.']];
  // A withheld note without saying so; no basis; nothing chosen; one's own municipality.
  const bad = [
    [good, /Kryssa i att du medvetet lämnar ut dem/],
    [[...good.filter(([k]) => k !== 'legal_basis'), ['include_withheld', '1']], /Välj rättslig grund/],
    [[['version', version], ['to', String(HELSINGBORG)], ['legal_basis', 'consent'], ['decided_by', 'x'], ['reasons', 'y']], /Välj minst en del/],
    [[...good.filter(([k]) => k !== 'to'), ['to', String(BJUV)], ['include_withheld', '1']], /annan kommun/],
    [[...good, ['include_withheld', '1'], ['note', '999999']], /hör inte till ärendet/],
  ];
  for (const [fields, message] of bad) {
    const res = await post(a, `/arbete/arende/${caseId}/overlamna`, fields);
    assert.equal(res.status, 400);
    assert.match(await res.text(), message);
  }
  // Of this case: the browser test hands over another municipality's case
  // in the same database.
  assert.equal(Number(sql(`SELECT COUNT(*) FROM handover WHERE from_case_id = ${caseId}`)), 0, 'nothing half-written');

  const [sent, sentRows] = await audited(() => post(a, `/arbete/arende/${caseId}/overlamna`, [...good, ['include_withheld', '1']]));
  assert.equal(sent.status, 303);
  const id = Number(sql(`SELECT MAX(id) FROM handover WHERE from_case_id = ${caseId}`));
  assert.deepEqual(sentRows.filter((r) => r.action === 'disclose').map((r) => [r.actor_id, r.municipality_id, r.record_kind, r.record_id, r.reason]),
    [[officer.id, BJUV, 'handover', id, 'transfer']]);
  // One at a time.
  const again = await post(a, `/arbete/arende/${caseId}/overlamna`, [...good, ['include_withheld', '1'], ['version', String(Number(version) + 1)]]);
  assert.ok([400, 409].includes(again.status));

  // The reception's list: no personal data.
  const b = await demo.login(/ · helsingborg\.handlaggare$/);
  const [list, listRows] = await audited(async () => (await b.get('/arbete/overlamningar')).text());
  assert.match(list, new RegExp(`/arbete/overlamningar/${id}"`));
  assert.match(list, /Bjuv/);
  assert.doesNotMatch(list, new RegExp(`${given}|${family}|${pnr}`));
  assert.equal(listRows.length, 0);

  // Only the receiving reception opens it.
  for (const who of [/ · bjuv\.handlaggare$/, / · helsingborg\.admin$/, / · landskrona\.handlaggare$/]) {
    const c = who.test(' · bjuv.handlaggare') ? a : await demo.login(who);
    assert.equal((await c.get(`/arbete/overlamningar/${id}`)).status, 403, String(who));
  }
  const [opened, openRows] = await audited(async () => b.get(`/arbete/overlamningar/${id}`));
  assert.equal(opened.status, 200);
  const pkg = await opened.text();
  assert.match(pkg, new RegExp(`${given} ${family}, ${pnr}`));
  assert.match(pkg, /Grannen berättar/);
  assert.doesNotMatch(pkg, /Pappan har fått tid/, 'a note not chosen');
  assert.deepEqual(openRows.map((r) => [r.actor_id, r.municipality_id, r.action, r.record_kind, r.record_id]),
    [[receiver.id, HELSINGBORG, 'read', 'handover', id]]);

  // Accept into a unit where the receiver does casework.
  const vuxen = sql(`SELECT u.id FROM unit u WHERE u.municipality_id = ${HELSINGBORG} AND u.slug = 'vuxen'`);
  const bof = sql(`SELECT u.id FROM unit u WHERE u.municipality_id = ${HELSINGBORG} AND u.slug = 'barn-och-familj'`);
  let res = await post(b, `/arbete/overlamningar/${id}/ta-emot`, [['unit', vuxen]]);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /Välj en verksamhet i din kommun där du arbetar med ärenden/);
  const [accepted, acceptRows] = await audited(() => post(b, `/arbete/overlamningar/${id}/ta-emot`, [['unit', bof]]));
  assert.equal(accepted.status, 303);
  const newCase = Number(/\/arbete\/arende\/(\d+)$/.exec(accepted.headers.get('location'))[1]);
  assert.notEqual(newCase, caseId);
  assert.deepEqual(acceptRows.filter((r) => r.action.startsWith('handover_')).map((r) => [r.municipality_id, r.action, r.record_kind]).sort(),
    [[BJUV, 'handover_closed', 'case'], [HELSINGBORG, 'handover_accept', 'case']].sort());

  // The new case: Helsingborg's, the person in Helsingborg, exactly the parts.
  const [muni, unit, person] = rows(`SELECT municipality_id, unit_id, person_id FROM case_file WHERE id = ${newCase}`)[0];
  assert.deepEqual([Number(muni), unit], [HELSINGBORG, bof]);
  assert.equal(sql(`SELECT personnummer || ':' || municipality_id FROM person WHERE id = ${person}`), `${pnr}:${HELSINGBORG}`);
  const notes = rows(`SELECT visibility, withheld_reason, ${oneLine('body')} FROM journal_note WHERE case_id = ${newCase} ORDER BY id`);
  assert.equal(notes.length, 1 + 1 + 3 + 1, notes.map((n) => n[2].slice(0, 60)).join('\n'));
  assert.match(notes[0][2], /Ärendet överlämnades från Bjuv .*SoL 2 a kap\. 10 §.*Bo Ek/);
  for (const n of notes.slice(1)) assert.match(n[2], /^Överlämnat från Bjuv \d{4}-\d\d-\d\d\./);
  const neighbourCopy = notes.find((n) => /Grannen berättar/.test(n[2]));
  assert.deepEqual(neighbourCopy.slice(0, 2), ['withheld', 'third_party'], 'a withheld note stays withheld');
  assert.ok(!notes.some((n) => /Pappan har fått tid/.test(n[2])));
  assert.ok(notes.some((n) => /Beslut: Familjebehandling/.test(n[2])));

  // Bjuv's case is closed through the flow, with a note and a timeline entry.
  assert.equal(sql(`SELECT state FROM case_file WHERE id = ${caseId}`), 'closed');
  assert.match(sql(`SELECT closure_reason FROM case_file WHERE id = ${caseId}`), /Överlämnat till Helsingborg/);
  assert.equal(sql(`SELECT action FROM case_event WHERE case_id = ${caseId} ORDER BY id DESC LIMIT 1`), 'close');
  assert.equal(sql(`SELECT state FROM handover WHERE id = ${id}`), 'accepted');
  // The person is told there is news on Mina sidor, by the committee that has
  // their e-mail and phone, and nothing of the move in the notice itself.
  const told = rows(`SELECT j.subject, j.body FROM notice_job j JOIN case_file c ON c.person_id = j.person_id
    WHERE c.id = ${caseId} AND j.dedupe_key LIKE 'handover:${id}:closed%'`);
  assert.ok(told.length >= 1, 'a notice is queued');
  for (const [subject, body] of told) {
    assert.match(body, /\/mina-sidor/);
    assert.doesNotMatch(subject + body, /Helsingborg|Överlämn|överlämn|flytt/);
  }

  // Not shared access: each side reads only its own case.
  assert.equal((await a.get(`/arbete/arende/${newCase}`)).status, 403);
  assert.equal((await b.get(`/arbete/arende/${caseId}`)).status, 403);
  assert.equal((await b.get(`/arbete/arende/${newCase}`)).status, 200);
  // Answered once.
  res = await post(b, `/arbete/overlamningar/${id}/avboj`, [['reason', 'För sent.']]);
  assert.equal(res.status, 409);
});

test('a handover declined with a reason: the case stays open and is told why; a preliminary assessment cannot go', async () => {
  const a = await demo.login(/ · bjuv\.handlaggare$/);
  const prelim = bjuvCase('preliminary');
  let res = await post(a, `/arbete/arende/${prelim}/overlamna`, [['to', String(HELSINGBORG)], ['application', '1'],
    ['legal_basis', 'consent'], ['decided_by', 'Bo Ek'], ['reasons', 'Personen har flyttat.']]);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /Fatta först beslut om förhandsbedömningen/);

  const caseId = bjuvCase('investigation');
  res = await post(a, `/arbete/arende/${caseId}/overlamna`, [['to', String(HELSINGBORG)], ['application', '1'],
    ['legal_basis', 'consent'], ['decided_by', 'Bo Ek'], ['reasons', 'Vårdnadshavarna har samtyckt.']]);
  assert.equal(res.status, 303);
  const id = Number(sql('SELECT MAX(id) FROM handover'));
  const b = await demo.login(/ · helsingborg\.forstalinjen$/);
  res = await post(b, `/arbete/overlamningar/${id}/avboj`, [['reason', '  ']]);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /Skriv varför/);
  const [declined, rowsOf] = await audited(() => post(b, `/arbete/overlamningar/${id}/avboj`, [['reason', 'Familjen är inte folkbokförd här ännu.']]));
  assert.equal(declined.status, 303);
  assert.deepEqual(rowsOf.filter((r) => r.action.startsWith('handover_')).map((r) => [r.municipality_id, r.action]),
    [[HELSINGBORG, 'handover_decline'], [BJUV, 'handover_declined']]);
  assert.equal(sql(`SELECT state FROM case_file WHERE id = ${caseId}`), 'investigation');
  assert.match(sql(`SELECT ${oneLine('body')} FROM journal_note WHERE case_id = ${caseId} ORDER BY id DESC LIMIT 1`), /Helsingborg tog inte emot överlämningen .*inte folkbokförd/);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM case_file WHERE municipality_id = ${HELSINGBORG} AND received_at > ${Math.floor(Date.now() / 1000) - 600} AND kind = 'child_report' AND person_id IS NULL`)), 0);

  // Offered again and answered by two receivers at once: one new case only.
  res = await post(a, `/arbete/arende/${caseId}/overlamna`, [['to', String(HELSINGBORG)], ['application', '1'],
    ['legal_basis', 'consent'], ['decided_by', 'Bo Ek'], ['reasons', 'Nu är familjen folkbokförd i Helsingborg.']]);
  assert.equal(res.status, 303);
  const second = Number(sql('SELECT MAX(id) FROM handover'));
  const officer = await demo.login(/ · helsingborg\.handlaggare$/);
  const unitOf = (slug) => sql(`SELECT id FROM unit WHERE municipality_id = ${HELSINGBORG} AND slug = '${slug}'`);
  const pages = await Promise.all([officer, b].map((c) => c.get(`/arbete/overlamningar/${second}`).then((r) => r.text())));
  const forms = [[officer, unitOf('barn-och-familj'), pages[0]], [b, unitOf('forsta-linjen'), pages[1]]];
  const answers = await Promise.all(forms.map(([c, unit, html]) => c.get(`/arbete/overlamningar/${second}/ta-emot`, {
    method: 'POST', body: form(csrfOf(html), [['unit', unit]]).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [303, 409]);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM handover WHERE id = ${second} AND state = 'accepted'`)), 1);
  assert.equal(sql(`SELECT state FROM case_file WHERE id = ${caseId}`), 'closed');
});

test('an offer taken back before an answer: the reception sees nothing personal and cannot accept; the case stays', async () => {
  // A Bjuv case of its own, in an investigation, with a person.
  const [[person, unit]] = rows(`SELECT p.id, u.id FROM person p JOIN unit u ON u.municipality_id = p.municipality_id
    AND u.slug = 'barn-och-familj' WHERE p.municipality_id = ${BJUV} AND p.protected_identity = 0 ORDER BY p.id LIMIT 1`);
  const now = Math.floor(Date.now() / 1000);
  const [[caseId]] = rows(`INSERT INTO case_file (municipality_id, unit_id, person_id, kind, matter, state, reference,
    received_at, updated_at, investigation_opened_at) VALUES (${BJUV}, ${unit}, ${person}, 'application', 'support',
    'investigation', 'BJUV-2026-W${String(now).slice(-5)}', ${now}, ${now}, ${now}) RETURNING id`);
  const a = await demo.login(/ · bjuv\.handlaggare$/);
  let res = await post(a, `/arbete/arende/${caseId}/overlamna`, [['to', String(HELSINGBORG)], ['identity', '1'],
    ['application', '1'], ['legal_basis', 'consent'], ['decided_by', 'Bo Ek'], ['reasons', 'Personen ska flytta.']]);
  assert.equal(res.status, 303);
  const id = Number(sql(`SELECT MAX(id) FROM handover WHERE from_case_id = ${caseId}`));
  const page = await (await a.get(`/arbete/arende/${caseId}/overlamna`)).text();
  assert.match(page, new RegExp(`action="/arbete/arende/${caseId}/overlamna/${id}/aterkalla"`));
  const withdraw = (client, csrf, reason) => client.get(`/arbete/arende/${caseId}/overlamna/${id}/aterkalla`, {
    method: 'POST', body: form(csrf, [['reason', reason]]).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  res = await withdraw(a, csrfOf(page), ' ');
  assert.equal(res.status, 400);
  const refused = await res.text();
  assert.match(refused, new RegExp(`id="w-${id}-error">Skriv varför du tar tillbaka överlämningen\\.`));
  assert.match(refused, new RegExp(`id="w-${id}" name="reason" rows="2" aria-invalid="true"`));
  // The receiving side cannot take it back; a wrong token is refused.
  const b = await demo.login(/ · helsingborg\.handlaggare$/);
  const theirs = await (await b.get(`/arbete/overlamningar/${id}`)).text();
  assert.equal((await withdraw(b, csrfOf(theirs), 'Nej')).status, 403);
  assert.equal((await withdraw(a, 'fel', 'Nej')).status, 403);
  const [done, rowsOf] = await audited(() => withdraw(a, csrfOf(page), 'Personen flyttar inte ändå.'));
  assert.equal(done.status, 303);
  assert.match(done.headers.get('location'), /\?aterkallad=1$/);
  assert.deepEqual(rowsOf.filter((r) => r.action.startsWith('handover_')).map((r) => [r.municipality_id, r.action]),
    [[BJUV, 'handover_withdraw'], [HELSINGBORG, 'handover_withdrawn']]);
  const after = await (await a.get(done.headers.get('location'))).text();
  assert.match(after, /Överlämningen är tagen tillbaka\./);
  assert.match(sql(`SELECT ${oneLine('body')} FROM journal_note WHERE case_id = ${caseId} ORDER BY id DESC LIMIT 1`),
    /Överlämningen till Helsingborg togs tillbaka .*Personen flyttar inte ändå\./);
  assert.equal(sql(`SELECT state FROM case_file WHERE id = ${caseId}`), 'investigation');

  // The reception: the offer says it was taken back, nothing personal, no answer.
  const pnr = sql(`SELECT personnummer FROM person WHERE id = ${person}`);
  const seen = await (await b.get(`/arbete/overlamningar/${id}`)).text();
  assert.match(seen, /tagen tillbaka/);
  assert.doesNotMatch(seen, new RegExp(pnr.slice(2, 8)));
  res = await post(b, `/arbete/overlamningar/${id}/ta-emot`, [['unit', sql(`SELECT id FROM unit WHERE municipality_id = ${HELSINGBORG} AND slug = 'barn-och-familj'`)]]);
  assert.equal(res.status, 409);
  assert.match(await res.text(), /har tagit tillbaka överlämningen/);
  assert.equal(sql(`SELECT state FROM handover WHERE id = ${id}`), 'withdrawn');
  // Twice: no.
  assert.equal((await withdraw(a, csrfOf(page), 'Igen')).status, 409);
});
