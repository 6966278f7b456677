// The JSON API (/api/v1, docs/openapi.yaml) over plain HTTP, through the
// development login: the same walls as the pages (another municipality,
// CSRF, the person's own file only), errors as JSON with a catalogue key,
// and nothing withheld or about the reporter reaching the person.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';

let server;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

// A client of the API: logs in through the dev login, then asks /me for the token.
async function apiClient(pattern) {
  const c = new Client(server.base);
  const account = await c.loginAs(pattern);
  const me = await (await c.get('/api/v1/me')).json();
  c.csrf = me.csrf;
  c.account = account;
  return c;
}

async function call(c, method, path, body, { csrf = true } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (csrf && c?.csrf) headers['X-CSRF-Token'] = c.csrf;
  const res = c
    ? await c.get(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers })
    : await fetch(server.base + path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, type: res.headers.get('content-type') };
}

function citizenPnr(list, municipalityLabel) {
  return list.find((a) => a.value.startsWith('citizen:') && a.label.endsWith(`, ${municipalityLabel}`)).value.slice(8);
}

test('public: the directory, a report of concern and its receipt (R1.5)', async () => {
  const dir = await call(null, 'GET', '/api/v1/municipalities');
  assert.equal(dir.status, 200);
  assert.equal(dir.json.municipalities.length, 11);
  assert.match(dir.type, /^application\/json/);

  const bad = await call(null, 'POST', '/api/v1/reports', { municipality: 'bjuv', child_name: 'A B',
    reporter_kind: 'professional', reporter_name: 'Lärare', concern: 'Oro' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.key, 'report.error.professional');
  assert.match(bad.json.error.message, /arbetsplats/);

  const made = await call(null, 'POST', '/api/v1/reports', { municipality: 'bjuv', child_name: 'Api Barnsson',
    reporter_kind: 'anonymous', concern: 'Barnet är ofta ensamt hemma.' });
  assert.equal(made.status, 201);
  assert.match(made.json.receipt, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.equal(Object.keys(made.json).sort().join(','), 'receipt,status'); // no case id, nothing more

  const st = await call(null, 'POST', '/api/v1/reports/status', { receipt: made.json.receipt.toLowerCase() });
  assert.equal(st.status, 200);
  assert.equal(st.json.status, 'pending');
  const unknown = await call(null, 'POST', '/api/v1/reports/status', { receipt: 'AAAA-AAAA-AAAA' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.key, 'api.error.receipt');
});

test('bad requests get JSON errors that say what to do', async () => {
  const notJson = await fetch(`${server.base}/api/v1/reports`, { method: 'POST', body: 'child_name=x',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error.key, 'api.error.body');
  const deep = '{"a":' + '['.repeat(20) + ']'.repeat(20) + '}';
  const r = await fetch(`${server.base}/api/v1/reports`, { method: 'POST', body: deep,
    headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  const dup = await fetch(`${server.base}/api/v1/reports`, { method: 'POST', body: '{"concern":"a","concern":"b"}',
    headers: { 'Content-Type': 'application/json' } });
  assert.equal(dup.status, 400);
  const missing = await call(null, 'GET', '/api/v1/finns-inte');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.status, 404);
  const wrongMethod = await call(null, 'DELETE', '/api/v1/worklist');
  assert.equal(wrongMethod.status, 405);
  assert.match(wrongMethod.type, /^application\/json/);
  const anon = await call(null, 'GET', '/api/v1/worklist');
  assert.equal(anon.status, 401);
  assert.equal(anon.json.error.key, 'api.error.login');
});

test('staff work a case through the API; the walls hold; the person reads only what is released', async () => {
  const { list } = await new Client(server.base).accounts();
  const pnr = citizenPnr(list, 'Bjuv');
  const made = await call(null, 'POST', '/api/v1/reports', { municipality: 'bjuv', child_name: 'Ett Barn',
    child_personnummer: pnr, reporter_kind: 'private', reporter_name: 'Nora Granne',
    concern: 'Jag hör skrik från lägenheten varje kväll.' });
  assert.equal(made.status, 201);

  const bjuv = await apiClient(/bjuv\.handlaggare$/);
  const wl = await call(bjuv, 'GET', '/api/v1/worklist');
  assert.equal(wl.status, 200);
  // The report's case, by the child's name: the demo has reports of its own.
  const child = list.find((a) => a.value === `citizen:${pnr}`).label.replace(/, Bjuv$/, '');
  const row = wl.json.cases.find((c) => c.state === 'preliminary' && c.unassessed_reports === 1 &&
    c.person_name === child);
  assert.ok(row, JSON.stringify(wl.json.cases.map((c) => c.person_name)));
  assert.equal(row.clocks.protection.state === 'due_soon' || row.clocks.protection.state === 'overdue', true);
  const id = row.id;

  const full = await call(bjuv, 'GET', `/api/v1/cases/${id}`);
  assert.equal(full.status, 200);
  assert.equal(full.json.reports[0].reporter.name, 'Nora Granne');
  const reportId = full.json.reports[0].id;

  // State-changing calls need the token in the header.
  const noCsrf = await call(bjuv, 'POST', `/api/v1/cases/${id}/notes`, { body: 'x' }, { csrf: false });
  assert.equal(noCsrf.status, 403);
  const released = await call(bjuv, 'POST', `/api/v1/cases/${id}/notes`, { body: 'Vi har pratat med mamma i telefon.' });
  assert.equal(released.status, 201);
  const withheld = await call(bjuv, 'POST', `/api/v1/cases/${id}/notes`, { body: 'Grannen Nora säger att pappan dricker.',
    visibility: 'withheld', withheld_reason: 'third_party' });
  assert.equal(withheld.status, 201);
  const badVis = await call(bjuv, 'POST', `/api/v1/cases/${id}/notes`, { body: 'x', visibility: 'withheld' });
  assert.equal(badVis.status, 400);
  assert.equal(badVis.json.error.key, 'journal.error.visibility');

  const prot = await call(bjuv, 'POST', `/api/v1/reports/${reportId}/protection`, { immediate: false,
    assessment: 'Inget omedelbart skyddsbehov.' });
  assert.equal(prot.status, 200);
  const noHeard = await call(bjuv, 'POST', `/api/v1/cases/${id}/moves`, { action: 'open_investigation' });
  assert.equal(noHeard.status, 400);
  assert.equal(noHeard.json.error.key, 'case.error.child_heard');
  const stale = await call(bjuv, 'POST', `/api/v1/cases/${id}/moves`, { action: 'open_investigation',
    child_heard: true, expected_version: 1 });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.error.key, 'case.error.changed');
  const opened = await call(bjuv, 'POST', `/api/v1/cases/${id}/moves`, { action: 'open_investigation', child_heard: true });
  assert.equal(opened.status, 200);
  assert.equal(opened.json.state, 'investigation');
  assert.equal(opened.json.clocks.investigation.state, 'running');
  const illegal = await call(bjuv, 'POST', `/api/v1/cases/${id}/moves`, { action: 'resume' });
  assert.equal(illegal.status, 409);
  assert.equal(illegal.json.error.key, 'case.error.illegal');

  // Another municipality's officer: refused, as JSON.
  const hbg = await apiClient(/helsingborg\.handlaggare$/);
  const refused = await call(hbg, 'GET', `/api/v1/cases/${id}`);
  assert.equal(refused.status, 403);
  assert.equal((await call(hbg, 'POST', `/api/v1/cases/${id}/notes`, { body: 'intrång' })).status, 403);

  // The person: their case, the released note, nothing withheld, no reporter.
  const person = await apiClient(new RegExp(`^citizen:${pnr}$`));
  const mine = await call(person, 'GET', '/api/v1/my/cases');
  assert.equal(mine.status, 200);
  assert.ok(mine.json.cases.some((c) => c.id === id));
  const view = await call(person, 'GET', `/api/v1/my/cases/${id}`);
  assert.equal(view.status, 200);
  const text = JSON.stringify(view.json);
  assert.match(text, /pratat med mamma/);
  assert.doesNotMatch(text, /Nora|pappan dricker|skrik från lägenheten/);
  assert.equal(view.json.reports, undefined);
  assert.equal(view.json.notes.some((n) => 'visibility' in n), false);
  assert.equal(view.json.next.key, 'next.investigation');
  assert.equal((await call(person, 'GET', `/api/v1/cases/${id}`)).status, 403);
  assert.equal((await call(person, 'GET', '/api/v1/worklist')).status, 403);

  const objectTo = view.json.notes.find((n) => /pratat med mamma/.test(n.body)).id;
  const objection = await call(person, 'POST', `/api/v1/my/cases/${id}/comments`, { body: 'Det var pappa ni pratade med.',
    objection_to: objectTo });
  assert.equal(objection.status, 201);
  const hidden = await call(person, 'POST', `/api/v1/my/cases/${id}/comments`, { body: 'x', objection_to: withheld.json.id });
  assert.equal(hidden.status, 400);
  assert.equal(hidden.json.error.key, 'journal.error.target');
  const wl2 = await call(bjuv, 'GET', '/api/v1/worklist');
  assert.equal(wl2.json.cases.find((c) => c.id === id).person_comments, 1);

  // And the reporter learns that an investigation was opened, nothing more.
  const st = await call(null, 'POST', '/api/v1/reports/status', { receipt: made.json.receipt });
  assert.equal(st.json.status, 'opened');
});

test('every /api/v1 route is described in docs/openapi.yaml, and nothing more', async () => {
  const fs = await import('node:fs');
  const routes = fs.readFileSync('src/web/routes.c', 'utf8');
  const spec = fs.readFileSync('docs/openapi.yaml', 'utf8');
  const served = new Set([...routes.matchAll(/ROUTE\(HTTP_(GET|POST|PUT|DELETE), "(\/api\/v1[^"]*)"/g)]
    .map((m) => `${m[1].toLowerCase()} ${m[2]}`));
  const described = new Set();
  let path = null;
  for (const line of spec.split('\n')) {
    const p = /^  (\/api\/v1\S*):$/.exec(line);
    if (p) { path = p[1]; continue; }
    const m = /^    (get|post|put|delete):$/.exec(line);
    if (m && path) described.add(`${m[1]} ${path.replace(/\{[^}]+\}/g, '{}')}`);
    if (/^\S/.test(line)) path = null;
  }
  assert.ok(served.size >= 14);
  assert.deepEqual([...served].sort(), [...described].sort());
});

test('applications through the API: the forms as data, answers checked per question, the case opened', async () => {
  const forms = await call(null, 'GET', '/api/v1/forms');
  assert.equal(forms.status, 200);
  const slugs = forms.json.forms.map((f) => f.slug).sort();
  assert.deepEqual(slugs, ['ekonomiskt-bistand', 'familjestod', 'stod-och-hjalp', 'stod-vid-vald']);
  const def = await call(null, 'GET', '/api/v1/forms/familjestod');
  assert.equal(def.status, 200);
  assert.ok(Array.isArray(def.json.questions) || Array.isArray(def.json.sections));
  assert.equal((await call(null, 'GET', '/api/v1/forms/finns-inte')).status, 404);
  const version = forms.json.forms.find((f) => f.slug === 'familjestod').version;

  const { list } = await new Client(server.base).accounts();
  const pnr = citizenPnr(list, 'Klippan');
  const person = await apiClient(new RegExp(`^citizen:${pnr}$`));
  // Nothing answered: an error per required question, nothing filed.
  const empty = await call(person, 'POST', '/api/v1/applications', { municipality: 'klippan', form: 'familjestod',
    version, answers: {} });
  assert.equal(empty.status, 400);
  assert.equal(empty.json.error.key, 'api.error.answers');
  assert.ok(Object.keys(empty.json.error.questions).includes('describe'));
  // A file that is not what its name says is refused by what it is.
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
  // Answer every required question from the form's own data: the first
  // option of a choice, a number, a text, "no" to yes/no questions.
  const answers = {};
  for (const question of def.json.sections.flatMap((sec) => sec.questions)) {
    if (!question.required || question.when) continue;
    if (question.type === 'choice') answers[question.id] = question.multiple ? [question.options[0].value] : question.options[0].value;
    else if (question.type === 'number') answers[question.id] = 2;
    else if (question.type === 'yesno') answers[question.id] = 'no';
    else answers[question.id] = 'Sonen vill inte gå till skolan.';
  }
  const bad = await call(person, 'POST', '/api/v1/applications', { municipality: 'klippan', form: 'familjestod', version,
    answers, files: [{ question: 'documents', filename: 'intyg.pdf', content: Buffer.from('MZ not a pdf').toString('base64') }] });
  assert.equal(bad.status, 400, JSON.stringify(bad.json));
  const made = await call(person, 'POST', '/api/v1/applications', { municipality: 'klippan', form: 'familjestod', version,
    answers, files: [{ question: 'documents', filename: 'intyg.pdf', content: pdf.toString('base64') }] });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.match(made.json.reference, /^KLIPPAN-\d{4}-\d{6}$/);
  const mine = await call(person, 'GET', `/api/v1/my/cases/${made.json.case}`);
  assert.equal(mine.status, 200);
  assert.match(JSON.stringify(mine.json.notes), /Sonen vill inte gå till skolan/);
  // Nobody has read it yet; a Klippan officer does, and it shows.
  assert.deepEqual((await call(person, 'GET', `/api/v1/my/cases/${made.json.case}/reads`)).json.reads, []);
  const officer = await apiClient(/klippan\.handlaggare$/);
  const seen = await call(officer, 'GET', `/api/v1/cases/${made.json.case}`);
  assert.equal(seen.status, 200);
  assert.ok(seen.json.moves.includes('open_investigation'));
  assert.ok(!seen.json.moves.includes('decide'));
  const reads = await call(person, 'GET', `/api/v1/my/cases/${made.json.case}/reads`);
  assert.equal(reads.json.reads.length, 1);
  assert.equal(reads.json.reads[0].municipality, 'Klippan');
  // Another person cannot read who read it.
  const stranger = await apiClient(new RegExp(`^citizen:${citizenPnr(list, 'Bjuv')}$`));
  assert.equal((await call(stranger, 'GET', `/api/v1/my/cases/${made.json.case}/reads`)).status, 403);
});

test('every report about a child, from the child (R1.6), for staff of that municipality only', async () => {
  const { list } = await new Client(server.base).accounts();
  const pnr = citizenPnr(list, 'Höganäs');
  for (const concern of ['Första oron.', 'Andra oron.'])
    assert.equal((await call(null, 'POST', '/api/v1/reports', { municipality: 'hoganas', child_name: 'Ett Barn',
      child_personnummer: pnr, reporter_kind: 'anonymous', concern })).status, 201);
  const officer = await apiClient(/hoganas\.handlaggare$/);
  const wl = await call(officer, 'GET', '/api/v1/worklist');
  const caseId = wl.json.cases.find((c) => c.unassessed_reports === 2).id;
  const caseView = await call(officer, 'GET', `/api/v1/cases/${caseId}`);
  assert.equal(caseView.json.reports.length, 2);
  // The child's person id is what the staff case page links to.
  const page = await fetch(`${server.base}/arbete/arende/${caseId}`, { headers: { Cookie: officer.cookieHeader() } });
  const personId2 = /\/arbete\/person\/(\d+)/.exec(await page.text())[1];
  const all = await call(officer, 'GET', `/api/v1/persons/${personId2}/reports`);
  assert.equal(all.status, 200);
  assert.ok(all.json.reports.length >= 2);
  assert.ok(all.json.reports.every((r) => r.outcome === 'pending'));
  const hbg = await apiClient(/helsingborg\.handlaggare$/);
  assert.equal((await call(hbg, 'GET', `/api/v1/persons/${personId2}/reports`)).status, 403);
});

test('a change made on an old version of the case is refused, on every kind of change', async () => {
  const made = await call(null, 'POST', '/api/v1/reports', { municipality: 'astorp', child_name: 'Gammal Version',
    reporter_kind: 'anonymous', concern: 'Oro om barnet.' });
  assert.equal(made.status, 201);
  const officer = await apiClient(/astorp\.handlaggare$/);
  const row = (await call(officer, 'GET', '/api/v1/worklist')).json.cases.find((c) => c.person_name === 'Gammal Version');
  const view = (await call(officer, 'GET', `/api/v1/cases/${row.id}`)).json;
  const old = view.version - 1;
  const note = view.notes[0].id;
  const me = (await call(officer, 'GET', '/api/v1/me')).json;
  const stale = [
    await call(officer, 'POST', `/api/v1/cases/${row.id}/team`, { staff_id: 1, expected_version: old }),
    await call(officer, 'POST', `/api/v1/notes/${note}/visibility`, { visibility: 'now', expected_version: old }),
    await call(officer, 'POST', `/api/v1/reports/${view.reports[0].id}/protection`, { immediate: false,
      assessment: 'Ingen akut fara.', expected_version: old }),
    await call(officer, 'POST', `/api/v1/cases/${row.id}/notes`, { body: 'x', expected_version: old }),
  ];
  for (const r of stale) {
    assert.equal(r.status, 409, JSON.stringify(r.json));
    assert.equal(r.json.error.key, 'case.error.changed');
  }
  assert.ok(me.csrf);
  // The same with the right version goes through.
  const ok = await call(officer, 'POST', `/api/v1/reports/${view.reports[0].id}/protection`, { immediate: false,
    assessment: 'Ingen akut fara.', expected_version: view.version });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
});
