// Referrals and consents through the pages, without a browser (R3.2,
// R3.3): a consent asked of the person and given on Mina sidor; a referral
// on a statutory ground; the forms' refusals (CSRF, someone else's
// consent, a role that does not refer, a unit that is not the centre's);
// what the centre sees before and after it accepts. The case is written
// straight into the test database, as in tests/e2e/family_peace.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { sql } from '../lib/video.mjs';

let server;
const people = [];

// A case in Bjuv's children-and-families unit for the n-th Bjuv citizen of
// the development login without protected identity (tag: a second case of theirs).
function bjuvCase(n, tag = '') {
  const rows = sql(`SELECT p.id, p.personnummer, p.given_name, p.family_name,
    p.municipality_id, u.id FROM person p JOIN municipality m ON m.id = p.municipality_id
    JOIN unit u ON u.municipality_id = m.id AND u.slug = 'barn-och-familj'
    WHERE m.slug = 'bjuv' AND p.fictitious = 1 AND p.protected_identity = 0
    AND p.id <= 220 AND ((p.id - 1) % 20) IN (0, 1, 3) ORDER BY p.id`);
  const [id, pnr, given, family, municipality, unit] = rows[n];
  const now = Math.floor(Date.now() / 1000);
  const [[caseId]] = sql(`INSERT INTO case_file (municipality_id, unit_id, person_id, kind,
    matter, state, reference, received_at, updated_at) VALUES (${municipality}, ${unit},
    ${id}, 'application', 'support', 'received', 'BJUV-2026-R${n}${tag}${String(now).slice(-4)}',
    ${now}, ${now}) RETURNING id`);
  return { id, pnr, name: `${given} ${family}`, caseId, municipality };
}

before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  people.push(bjuvCase(0), bjuvCase(1));
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

async function as(pattern) {
  const c = new Client(server.base);
  await c.loginAs(pattern);
  return c;
}

async function formCsrf(client, path) {
  const res = await client.get(path);
  const html = await res.text();
  return { status: res.status, html, csrf: client.csrfFrom(html) };
}

function centreUnit() {
  return sql(`SELECT u.id FROM unit u JOIN municipality m ON m.id = u.municipality_id
    WHERE m.slug = 'helsingborg' AND u.slug = 'familjefridscenter'`)[0][0];
}

test('a consent asked of the person: nothing until they give it on Mina sidor, then the centre reads', async () => {
  const [p] = people;
  const officer = await as(/· bjuv\.handlaggare$/);
  const form = await formCsrf(officer, `/arbete/arende/${p.caseId}/remiss`);
  assert.equal(form.status, 200);
  // Notices already queued for the person by other suites (one database).
  const [[before]] = sql(`SELECT COALESCE(MAX(id), 0) FROM notice_job`);
  const until = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
  const sent = await officer.post(`/arbete/arende/${p.caseId}/remiss`, {
    csrf: form.csrf, enhet: centreUnit(), fraga: 'Stödsamtal', del_identity: '1',
    del_journal: '1', grund: 'ask', giltig_till: until });
  assert.equal(sent.status, 303);
  const [[referral]] = sql(`SELECT MAX(id) FROM referral WHERE case_id = ${p.caseId}`);
  // The person is told there is something on Mina sidor, and nothing more.
  const notices = sql(`SELECT subject, body FROM notice_job WHERE person_id = ${p.id} AND id > ${before}`);
  assert.ok(notices.length >= 1);
  for (const [subject, body] of notices) {
    assert.match(body, /\/mina-sidor\/samtycken/);
    assert.doesNotMatch(subject + body, /amiljefrid|Helsingborg|Stödsamtal/);
  }

  const centre = await as(/· helsingborg\.familjefridscenter$/);
  const one = await formCsrf(centre, `/arbete/remisser/${referral}`);
  assert.equal(one.status, 200);
  assert.doesNotMatch(one.html, new RegExp(p.name));
  const accepted = await centre.post(`/arbete/remisser/${referral}/svar`, { csrf: one.csrf, svar: 'ja' });
  assert.equal(accepted.status, 303);
  // Accepted, but the person has not consented: closed, and said so.
  const waiting = await centre.get(`/arbete/remisser/${referral}`);
  assert.equal(waiting.status, 403);
  const waitingHtml = await waiting.text();
  assert.match(waitingHtml, /Personen har inte samtyckt ännu/);
  assert.doesNotMatch(waitingHtml, new RegExp(p.name));

  // Someone else cannot give it; the person can, with the form's token only.
  const person = await as(new RegExp(`^${p.name}, Bjuv$`));
  const page = await formCsrf(person, '/mina-sidor/samtycken');
  assert.match(page.html, /Du har blivit tillfrågad/);
  const [[consent]] = sql(`SELECT consent_id FROM referral WHERE id = ${referral}`);
  const stranger = await as(new RegExp(`^${people[1].name}, Bjuv$`));
  const strangerPage = await formCsrf(stranger, '/mina-sidor/samtycken');
  assert.equal((await stranger.post(`/mina-sidor/samtycken/${consent}/ge`, { csrf: strangerPage.csrf })).status, 404);
  assert.equal((await person.post(`/mina-sidor/samtycken/${consent}/ge`, { csrf: 'fel' })).status, 403);
  const given = await person.post(`/mina-sidor/samtycken/${consent}/ge`, { csrf: page.csrf });
  assert.equal(given.status, 303);
  const mine = await (await person.get('/mina-sidor/samtycken')).text();
  assert.match(mine, /Gäller/);
  // The person follows the referral too: the centre has taken it.
  assert.match(mine, /<dt>Remissen<\/dt><dd>Enheten har tagit emot remissen\. \(\d/);

  const open = await centre.get(`/arbete/remisser/${referral}`);
  assert.equal(open.status, 200);
  assert.match(await open.text(), new RegExp(p.name));
  // A staff member has no consents page.
  assert.equal((await centre.get('/mina-sidor/samtycken')).status, 403);

  // R3.3: a move outside the agreement's delegation is refused, named.
  const me = await (await centre.get('/api/v1/me')).json();
  const move = (action) => centre.get(`/api/v1/cases/${p.caseId}/moves`, {
    method: 'POST', body: JSON.stringify({ action, reason: 'Stödet är klart' }),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf } });
  const close = await move('close');
  assert.equal(close.status, 403);
  assert.equal((await close.json()).error.message,
    'Avtalet ”Avtal om gemensamt familjefridscenter” (version 1) ger inte rätt att fatta det beslutet för Bjuvs kommun');
  // "decide" is delegated: refused by the flow (the case is not ready), not by the agreement.
  assert.notEqual((await move('decide')).status, 403);
  // Once investigated, the centre decides for Bjuv's committee: told where the case
  // stands, not shown the whole file, and the read is audited with the agreement.
  sql(`UPDATE case_file SET state = 'investigation', investigation_opened_at = ${Math.floor(Date.now() / 1000)} WHERE id = ${p.caseId}`);
  const decided = await centre.get(`/api/v1/cases/${p.caseId}/moves`, {
    method: 'POST', body: JSON.stringify({ action: 'decide', outcome: 'granted', subject: 'Stödsamtal',
      content: 'Tio stödsamtal beviljas.', reasons: 'Behovet är utrett.', appeal: 'Du kan överklaga till förvaltningsrätten.' }),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf } });
  assert.equal(decided.status, 200);
  const standing = await decided.json();
  assert.deepEqual(Object.keys(standing).sort(), ['id', 'state', 'version']);
  assert.equal(standing.state, 'decided');
  assert.equal(String(standing.id), String(p.caseId));
  // The decision and its note are Bjuv's, and say who made them for Bjuv under which agreement.
  const [[decidedBy, noteBy, noteMunicipality]] = sql(`SELECT d.decided_by_label, n.author_label, n.municipality_id
    FROM decision d JOIN journal_note n ON n.id = d.journal_note_id WHERE d.case_id = ${p.caseId}`);
  assert.match(decidedBy, /\(Skrivet för Bjuvs kommun enligt Avtal om gemensamt familjefridscenter, version \d+\)$/);
  assert.equal(noteBy, decidedBy);
  assert.equal(String(noteMunicipality), String(p.municipality));
  const [[readReason, readAgreement]] = sql(`SELECT reason, COALESCE(agreement_id, 0) FROM audit_log
    WHERE action = 'read' AND record_kind = 'case' AND record_id = ${p.caseId} ORDER BY id DESC LIMIT 1`);
  assert.match(readReason, /the state after a move/);
  assert.ok(Number(readAgreement) > 0);
  const [[reason, agreement]] = sql(`SELECT reason, COALESCE(agreement_id, 0) FROM audit_log
    WHERE action = 'write_denied' AND record_kind = 'case' AND record_id = ${p.caseId}
    ORDER BY id DESC LIMIT 1`);
  assert.match(reason, /ger inte rätt att fatta det beslutet för Bjuvs kommun/);
  assert.ok(Number(agreement) > 0);
});

test('a statutory ground; who may refer; a declined referral gives nothing', async () => {
  const [, p] = people;
  const firstLine = await as(/· bjuv\.forstalinjen$/);
  const denied = await firstLine.get(`/arbete/arende/${p.caseId}/remiss`);
  assert.equal(denied.status, 403);

  const lead = await as(/· bjuv\.teamledare$/);
  const form = await formCsrf(lead, `/arbete/arende/${p.caseId}/remiss`);
  // A ground from the list is required.
  const bad = await lead.post(`/arbete/arende/${p.caseId}/remiss`, {
    csrf: form.csrf, enhet: centreUnit(), fraga: 'Skydd', del_identity: '1',
    grund: 'statutory', lag: '' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Välj en bestämmelse i listan/);
  const ok = await lead.post(`/arbete/arende/${p.caseId}/remiss`, {
    csrf: form.csrf, enhet: centreUnit(), fraga: 'Skydd', del_identity: '1',
    del_contact: '1', grund: 'statutory', lag: 'osl_26_9', lag_not: 'Barnet behöver skydd' });
  assert.equal(ok.status, 303);
  const list = await (await lead.get(`/arbete/arende/${p.caseId}/remiss`)).text();
  assert.match(list, /OSL 26 kap\. 9 §/);
  const [[referral]] = sql(`SELECT MAX(id) FROM referral WHERE case_id = ${p.caseId}`);

  // The interpreter service is another shared unit: not found.
  const interpreter = await as(/· helsingborg\.digital-tolktjanst$/);
  assert.equal((await interpreter.get(`/arbete/remisser/${referral}`)).status, 404);

  const centre = await as(/· helsingborg\.familjefridscenter$/);
  const one = await formCsrf(centre, `/arbete/remisser/${referral}`);
  const noReason = await centre.post(`/arbete/remisser/${referral}/svar`, { csrf: one.csrf, svar: 'nej', skal: ' ' });
  assert.equal(noReason.status, 400);
  assert.match(await noReason.text(), /Skriv varför ni avböjer/);
  assert.equal((await centre.post(`/arbete/remisser/${referral}/svar`,
    { csrf: one.csrf, svar: 'nej', skal: 'Fel enhet för detta' })).status, 303);
  const declined = await centre.get(`/arbete/remisser/${referral}`);
  const html = await declined.text();
  assert.match(html, /Avböjd/);
  assert.doesNotMatch(html, new RegExp(p.name));
  assert.equal((await centre.post(`/arbete/remisser/${referral}/anteckning`,
    { csrf: one.csrf, text: 'Försök' })).status, 403);
  // The officer sees the answer and the reason.
  assert.match(await (await lead.get(`/arbete/arende/${p.caseId}/remiss`)).text(), /Fel enhet för detta/);
});

test("the person's consents through the API: listed with the referral, given, withdrawn, never changed twice", async () => {
  // The second person again, in a case of its own (the development login has two such Bjuv citizens).
  const [first] = people;
  const p = bjuvCase(1, 'C');
  const officer = await as(/· bjuv\.handlaggare$/);
  const form = await formCsrf(officer, `/arbete/arende/${p.caseId}/remiss`);
  const until = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
  assert.equal((await officer.post(`/arbete/arende/${p.caseId}/remiss`, {
    csrf: form.csrf, enhet: centreUnit(), fraga: 'Stödsamtal', del_identity: '1',
    grund: 'ask', giltig_till: until })).status, 303);
  const [[consent]] = sql(`SELECT consent_id FROM referral WHERE case_id = ${p.caseId} ORDER BY id DESC LIMIT 1`);

  const person = await as(new RegExp(`^${p.name}, Bjuv$`));
  const token = async (c) => (await (await c.get('/api/v1/me')).json()).csrf;
  const call = async (c, method, path, csrf) => {
    const res = await c.get(path, { method, headers: csrf ? { 'X-CSRF-Token': csrf } : {} });
    return { status: res.status, json: await res.json() };
  };
  const csrf = await token(person);
  const listed = await call(person, 'GET', '/api/v1/my/consents');
  assert.equal(listed.status, 200);
  const asked = listed.json.consents.find((c) => String(c.id) === String(consent));
  assert.equal(asked.status, 'requested');
  assert.deepEqual(asked.parts, ['identity']);
  assert.equal(asked.unit, 'Familjefridscenter');
  assert.equal(asked.referral.status, 'pending');
  assert.equal(asked.referral.answered_at, undefined);

  // Without the token, someone else, a member of staff: refused.
  assert.equal((await call(person, 'POST', `/api/v1/my/consents/${consent}/give`)).status, 403);
  const stranger = await as(new RegExp(`^${first.name}, Bjuv$`));
  assert.equal((await call(stranger, 'POST', `/api/v1/my/consents/${consent}/give`, await token(stranger))).status, 404);
  assert.equal((await call(officer, 'GET', '/api/v1/my/consents')).status, 403);

  const given = await call(person, 'POST', `/api/v1/my/consents/${consent}/give`, csrf);
  assert.equal(given.status, 200);
  assert.equal(given.json.status, 'given');
  assert.ok(given.json.given_at > 0);
  assert.equal((await call(person, 'POST', `/api/v1/my/consents/${consent}/give`, csrf)).status, 409);
  const withdrawn = await call(person, 'POST', `/api/v1/my/consents/${consent}/withdraw`, csrf);
  assert.equal(withdrawn.status, 200);
  assert.equal(withdrawn.json.status, 'withdrawn');
  assert.ok(withdrawn.json.withdrawn_at > 0);
  const twice = await call(person, 'POST', `/api/v1/my/consents/${consent}/withdraw`, csrf);
  assert.equal(twice.status, 409);
  assert.match(twice.json.error.message, /Samtycket ändrades inte/);

  // On the page, a consent that cannot be given again is not "saved".
  const page = await formCsrf(person, '/mina-sidor/samtycken');
  const again = await person.post(`/mina-sidor/samtycken/${consent}/ge`, { csrf: page.csrf });
  assert.equal(again.status, 303);
  assert.match(again.headers.get('location'), /sparat=unchanged$/);
  const shown = await (await person.get(again.headers.get('location'))).text();
  assert.match(shown, /Samtycket ändrades inte/);
  assert.doesNotMatch(shown, /Tack\. Ditt samtycke är sparat/);

  // Asked by the officer; the stranger's try flagged; one row per change; none for what changed nothing.
  const rows = sql(`SELECT action, flagged FROM audit_log WHERE record_kind = 'consent'
    AND record_id = ${consent} ORDER BY id`);
  assert.deepEqual(rows.map((r) => `${r[0]}:${r[1]}`), ['consent.requested:0', 'write_denied:1', 'consent.give:0', 'consent.withdraw:0']);
});

test('a referral ended by either side: the officer with a reason, the centre when its work is done; the door shuts', async () => {
  const p = bjuvCase(0, 'E');
  const officer = await as(/· bjuv\.handlaggare$/);
  const centre = await as(/· helsingborg\.familjefridscenter$/);
  const refer = async (fields) => {
    const form = await formCsrf(officer, `/arbete/arende/${p.caseId}/remiss`);
    assert.equal((await officer.post(`/arbete/arende/${p.caseId}/remiss`, {
      csrf: form.csrf, enhet: centreUnit(), fraga: 'Stödsamtal', del_identity: '1', ...fields })).status, 303);
    const [[id]] = sql(`SELECT MAX(id) FROM referral WHERE case_id = ${p.caseId}`);
    const one = await formCsrf(centre, `/arbete/remisser/${id}`);
    assert.equal((await centre.post(`/arbete/remisser/${id}/svar`, { csrf: one.csrf, svar: 'ja' })).status, 303);
    return id;
  };
  const until = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
  const referral = await refer({ grund: 'meeting', giltig_till: until });
  assert.equal((await centre.get(`/arbete/remisser/${referral}`)).status, 200);

  // The officer: the form is on the case's referral list; a reason is asked for.
  const list = await formCsrf(officer, `/arbete/arende/${p.caseId}/remiss`);
  assert.match(list.html, new RegExp(`action="/arbete/arende/${p.caseId}/remiss/${referral}/avsluta"`));
  const bare = await officer.post(`/arbete/arende/${p.caseId}/remiss/${referral}/avsluta`, { csrf: list.csrf, avslut_skal: ' ' });
  assert.equal(bare.status, 400);
  const bareHtml = await bare.text();
  assert.match(bareHtml, new RegExp(`id="avslut-${referral}-error">Skriv varför remissen avslutas\\.`));
  assert.match(bareHtml, new RegExp(`id="avslut-${referral}" name="avslut_skal" rows="2" aria-invalid="true"`));
  assert.equal((await officer.post(`/arbete/arende/${p.caseId}/remiss/${referral}/avsluta`,
    { csrf: 'fel', avslut_skal: 'Klart' })).status, 403);
  // Another municipality's officer: as if there were no such referral to end.
  const klippan = await as(/· klippan\.handlaggare$/);
  const theirs = await formCsrf(klippan, '/arbete');
  assert.equal((await klippan.post(`/arbete/remisser/${referral}/avsluta`, { csrf: theirs.csrf, avslut_skal: 'Klart' })).status, 403);
  const ended = await officer.post(`/arbete/arende/${p.caseId}/remiss/${referral}/avsluta`,
    { csrf: list.csrf, avslut_skal: 'Stödet är klart' });
  assert.equal(ended.status, 303);
  assert.match(ended.headers.get('location'), /\?sparat=ended$/);
  const after = await (await officer.get(ended.headers.get('location'))).text();
  assert.match(after, /Remissen är avslutad\. Enheten kan inte längre läsa något ur akten\./);
  assert.match(after, /Avslutad <time[^>]*>[^<]+<\/time>, [^:]+: Stödet är klart/);

  // The centre's next read is shut, and says why; the person sees it ended.
  const shut = await centre.get(`/arbete/remisser/${referral}`);
  assert.equal(shut.status, 403);
  const shutHtml = await shut.text();
  assert.match(shutHtml, /Remissen är avslutad\. Ni kan inte längre läsa något ur akten\./);
  assert.doesNotMatch(shutHtml, new RegExp(p.name));
  const person = await as(new RegExp(`^${p.name}, Bjuv$`));
  assert.match(await (await person.get('/mina-sidor/samtycken')).text(), /Remissen är avslutad\. Enheten kan inte längre läsa något ur din akt\./);
  const [[endAction, endAgreement]] = sql(`SELECT action, COALESCE(agreement_id, 0) FROM audit_log
    WHERE record_kind = 'referral' AND record_id = ${referral} ORDER BY id DESC LIMIT 1`);
  assert.equal(endAction, 'referral.end');
  assert.ok(Number(endAgreement) > 0);

  // On a statutory ground the centre ends it from the referral's page.
  const second = await refer({ grund: 'statutory', lag: 'osl_26_9', lag_not: 'Skydd' });
  const page = await formCsrf(centre, `/arbete/remisser/${second}`);
  assert.match(page.html, new RegExp(`action="/arbete/remisser/${second}/avsluta"`));
  const empty = await centre.post(`/arbete/remisser/${second}/avsluta`, { csrf: page.csrf, avslut_skal: '' });
  assert.equal(empty.status, 400);
  assert.match(await empty.text(), /id="avslut_skal-error">Skriv varför remissen avslutas\./);
  const done = await centre.post(`/arbete/remisser/${second}/avsluta`, { csrf: page.csrf, avslut_skal: 'Arbetet är klart' });
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), '/arbete/remisser?sparat=ended');
  assert.match(await (await centre.get('/arbete/remisser?sparat=ended')).text(), /Remissen är avslutad\./);
  assert.equal((await centre.get(`/arbete/remisser/${second}`)).status, 403);
});
