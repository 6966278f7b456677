// The ways in, over plain HTTP: a citizen applies with an attachment and the
// case exists in the right unit with its note and audit rows; the attachment
// downloads for the person and for a Bjuv case officer, is refused (403,
// flagged) to a Helsingborg officer, and what the database holds is not the
// file; a wrong file type and an oversize file are said plainly and leave
// nothing behind. Anyone reports a concern about a child, anonymously or in
// their work (never without a workplace), gets a code shown once, and asks
// with it what R1.5 allows. The database is read directly (sqlite3 or psql),
// only to check what was written.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DATABASE, ENGINE, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
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

// One value (the first column of the first row) from the test database.
function sql(query) {
  const r = ENGINE === 'sqlite'
    ? spawnSync('sqlite3', ['-batch', DATABASE.slice('sqlite:'.length), query], { encoding: 'utf8' })
    : spawnSync('psql', ['-At', '-v', 'ON_ERROR_STOP=1', DATABASE, '-c', query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${query}: ${r.stderr}`);
  return r.stdout.trim().split('\n')[0];
}
const hexOf = (column) => (ENGINE === 'sqlite' ? `lower(hex(${column}))` : `encode(${column}, 'hex')`);

// A small but real PDF, and bytes that only pretend to be one.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n'
  + '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PROGRAM = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(200, 7)]);

// The demo citizens the development login offers in a municipality, without
// protected identity; each test uses its own, so that the tests do not
// depend on each other's order (the browser tests use Höganäs's).
async function citizenOf(municipality, nth = 0) {
  const { list } = await new Client(server.base).accounts();
  return list.filter((a) => a.value.startsWith('citizen:') && a.label.endsWith(`, ${municipality}`))[nth];
}

// Logged in for one test; every test logs its people out at its end, since
// other tests count a person's live sessions.
const sessions = [];
async function loggedIn(pattern) {
  const c = new Client(server.base);
  await c.loginAs(pattern);
  sessions.push(c);
  return c;
}
afterEach(async () => {
  for (const c of sessions.splice(0)) {
    const csrf = c.csrfFrom(await (await c.get('/konto/inloggningar')).text());
    assert.equal((await c.post('/logout', { csrf })).status, 303);
  }
});

// The family-support form's answers, as the browser sends them.
function familyForm(csrf, files = [{ name: 'intyg från skolan.pdf', bytes: PDF, type: 'application/pdf' }]) {
  const f = new FormData();
  f.append('csrf', csrf);
  f.append('form_version', '1');
  f.append('for_whom', 'family');
  f.append('children', '2');
  f.append('ages', '7 och 12 år');
  f.append('other_guardian', 'no');
  f.append('areas', 'parenting');
  f.append('areas', 'school');
  f.append('describe', 'Sonen vill inte gå till skolan och vi bråkar varje morgon.');
  f.append('phone', '070-1740610');
  f.append('interpreter', 'no');
  for (const file of files) f.append('documents', new Blob([file.bytes], { type: file.type }), file.name);
  if (files.length === 0) f.append('documents', new Blob([]), '');
  return f;
}

async function postForm(client, path, form) {
  return client.get(path, { method: 'POST', body: form });
}

test('applying needs a login, and the choice page leads to the form', async () => {
  const anon = new Client(server.base);
  const r = await anon.get('/ansok/bjuv/familjestod');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login?next=%2Fansok%2Fbjuv%2Ffamiljestod');

  const citizen = await loggedIn(new RegExp(`^${(await citizenOf('Bjuv')).value}$`));
  const choose = await (await citizen.get('/ansok')).text();
  assert.match(choose, /id="m-bjuv" checked/, 'the municipality of the records is chosen');
  assert.match(choose, /Ansökan om ekonomiskt bistånd/);
  const incomplete = await citizen.get('/ansok?skickat=1&kommun=bjuv');
  assert.equal(incomplete.status, 400);
  assert.match(await incomplete.text(), /Välj vad du behöver hjälp med\./);
  const go = await citizen.get('/ansok?skickat=1&kommun=bjuv&ansokan=familjestod');
  assert.equal(go.status, 303);
  assert.equal(go.headers.get('location'), '/ansok/bjuv/familjestod');
  assert.equal((await citizen.get('/ansok/bjuv/finns-inte')).status, 404);
  assert.equal((await citizen.get('/ansok/atlantis/familjestod')).status, 404);
  // Staff do not apply for help through this door.
  const officer = await loggedIn(/bjuv\.handlaggare$/);
  assert.equal((await officer.get('/ansok/bjuv/familjestod')).status, 403);
});

test('an application with an attachment opens a case, sealed at rest, read only through the policy', async () => {
  const account = await citizenOf('Bjuv');
  const pnr = account.value.slice('citizen:'.length);
  const citizen = await loggedIn(new RegExp(`^${account.value}$`));
  const page = await (await citizen.get('/ansok/bjuv/familjestod')).text();
  assert.match(page, /enctype="multipart\/form-data"/);
  assert.match(page, /Du ansöker som <strong>/);
  const csrf = citizen.csrfFrom(page);

  // Without the form's token nothing happens.
  assert.equal((await postForm(citizen, '/ansok/bjuv/familjestod', familyForm('x'.repeat(43)))).status, 403);

  const sent = await postForm(citizen, '/ansok/bjuv/familjestod', familyForm(csrf));
  assert.equal(sent.status, 303, await sent.text());
  const caseId = /^\/ansok\/kvitto\/(\d+)$/.exec(sent.headers.get('location'))[1];

  const receipt = await (await citizen.get(`/ansok/kvitto/${caseId}`)).text();
  const reference = /class="nara-receipt">([A-Z]+-\d{4}-\d{6})</.exec(receipt)[1];
  assert.match(reference, /^BJUV-/);
  assert.match(receipt, new RegExp(`href="/mina-sidor/arenden/${caseId}"`));
  const documentId = /href="\/dokument\/(\d+)">intyg från skolan\.pdf</.exec(receipt)[1];

  // The case: children and families' unit, received, the person's; the
  // application with the form's version; the note the person reads at once.
  assert.equal(sql(`SELECT u.kind || '/' || c.state || '/' || c.kind || '/' || c.matter FROM case_file c
    JOIN unit u ON u.id = c.unit_id WHERE c.id = ${caseId}`), 'children_families/received/application/family_support');
  assert.equal(sql(`SELECT p.personnummer FROM case_file c JOIN person p ON p.id = c.person_id WHERE c.id = ${caseId}`), pnr);
  assert.equal(sql(`SELECT f.slug || ' v' || f.version FROM application a JOIN application_form f ON f.id = a.form_id
    WHERE a.case_id = ${caseId}`), 'familjestod v1');
  assert.match(sql(`SELECT answers FROM application WHERE case_id = ${caseId}`), /"areas":\["parenting","school"\]/);
  assert.equal(sql(`SELECT visibility || '/' || author_kind FROM journal_note WHERE case_id = ${caseId}`), 'now/citizen');
  assert.match(sql(`SELECT body FROM journal_note WHERE case_id = ${caseId}`), /Ansökan om stöd till familjen/);
  // Each part was written with its audit row.
  const created = {
    case: caseId,
    application: `(SELECT id FROM application WHERE case_id = ${caseId})`,
    document: documentId,
  };
  for (const [kind, id] of Object.entries(created)) {
    assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND record_kind = '${kind}'
      AND record_id = ${id}`), '1', kind);
  }

  // At rest: not the file's bytes, and sixteen bytes of MAC longer.
  const stored = sql(`SELECT ${hexOf('ciphertext')} FROM document WHERE id = ${documentId}`);
  assert.equal(stored.length / 2, PDF.length + 16);
  assert.ok(!stored.includes(PDF.toString('hex').slice(0, 16)), 'the PDF header is not in the database');
  assert.ok(!stored.includes(Buffer.from('/Catalog').toString('hex')));

  // The person downloads it: the same bytes, as an attachment, not sniffed.
  const mine = await citizen.get(`/dokument/${documentId}`);
  assert.equal(mine.status, 200);
  assert.equal(mine.headers.get('content-type'), 'application/pdf');
  assert.equal(mine.headers.get('x-content-type-options'), 'nosniff');
  assert.match(mine.headers.get('content-disposition'), /^attachment; filename="intyg fr_+n skolan\.pdf"; filename\*=UTF-8''intyg%20fr%C3%A5n%20skolan\.pdf$/);
  assert.deepEqual(Buffer.from(await mine.arrayBuffer()), PDF);

  // A Bjuv case officer of children and families too.
  const bjuv = await loggedIn(/bjuv\.handlaggare$/);
  const theirs = await bjuv.get(`/dokument/${documentId}`);
  assert.equal(theirs.status, 200);
  assert.deepEqual(Buffer.from(await theirs.arrayBuffer()), PDF);
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND record_kind = 'document'
    AND record_id = ${documentId}`), '2');

  // A Helsingborg officer is refused, and the attempt is flagged for review.
  const hbg = await loggedIn(/helsingborg\.handlaggare$/);
  const refused = await hbg.get(`/dokument/${documentId}`);
  assert.equal(refused.status, 403);
  assert.doesNotMatch(Buffer.from(await refused.arrayBuffer()).toString('latin1'), /%PDF/);
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'read_denied' AND flagged = 1
    AND record_kind = 'case' AND record_id = ${caseId}`), '1');
  // Another citizen, and nobody at all.
  const other = await loggedIn(new RegExp(`^${(await citizenOf('Helsingborg')).value}$`));
  assert.equal((await other.get(`/dokument/${documentId}`)).status, 403);
  assert.equal((await new Client(server.base).get(`/dokument/${documentId}`)).status, 303);
  assert.equal((await citizen.get('/dokument/999999999')).status, 404);
  assert.equal((await citizen.get('/dokument/abc')).status, 404);
});

test('a wrong file type and an oversize file are said plainly, and nothing is half-written', async () => {
  const citizen = await loggedIn(new RegExp(`^${(await citizenOf('Bjuv')).value}$`));
  const csrf = citizen.csrfFrom(await (await citizen.get('/ansok/bjuv/familjestod')).text());
  // Showing the form again reads the person's name (audited); nothing else
  // may be written.
  const written = () => [sql('SELECT COUNT(*) FROM case_file'), sql('SELECT COUNT(*) FROM document'),
    sql('SELECT COUNT(*) FROM person'), sql("SELECT COUNT(*) FROM audit_log WHERE action <> 'read'")];
  const was = written();

  const wrong = await postForm(citizen, '/ansok/bjuv/familjestod',
    familyForm(csrf, [{ name: 'lönebesked.pdf', bytes: PROGRAM, type: 'application/pdf' }]));
  assert.equal(wrong.status, 400);
  const wrongHtml = await wrong.text();
  assert.match(wrongHtml, /Filen ”lönebesked\.pdf” är inte en PDF, PNG eller JPEG/);
  assert.match(wrongHtml, /<a class="ds-link" href="#f-documents">Vill du bifoga något\?: Filen/);
  assert.match(wrongHtml, /id="f-documents"[^>]*aria-describedby="h-documents r-documents e-documents"[^>]*aria-invalid="true"/);
  assert.match(wrongHtml, /Filerna du valde är inte sparade/);
  // The answers are kept.
  assert.match(wrongHtml, /value="family" id="f-for_whom-2" checked/);
  assert.match(wrongHtml, />Sonen vill inte gå till skolan och vi bråkar varje morgon\.<\/textarea>/);
  assert.match(wrongHtml, /<title>Fel: /);

  const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);
  PDF.copy(big);
  const tooBig = await postForm(citizen, '/ansok/bjuv/familjestod',
    familyForm(csrf, [{ name: 'skanning.pdf', bytes: big, type: 'application/pdf' }]));
  assert.equal(tooBig.status, 400);
  assert.match(await tooBig.text(), /Filen ”skanning\.pdf” är större än 5 MB/);

  // Six files where five is the most a form takes.
  const six = Array.from({ length: 6 }, (_, i) => ({ name: `sida${i}.pdf`, bytes: PDF, type: 'application/pdf' }));
  const many = await postForm(citizen, '/ansok/bjuv/familjestod', familyForm(csrf, six));
  assert.equal(many.status, 400);
  assert.match(await many.text(), /Du kan bifoga högst 3 filer här/);

  // Missing answers: each says what to do, at its question.
  const empty = new FormData();
  empty.append('csrf', csrf);
  empty.append('form_version', '1');
  const missing = await postForm(citizen, '/ansok/bjuv/familjestod', empty);
  assert.equal(missing.status, 400);
  const missingHtml = await missing.text();
  assert.match(missingHtml, /href="#f-describe">Berätta med egna ord hur ni har det och vad ni behöver: Svara på frågan\./);
  assert.match(missingHtml, /href="#f-areas">Vad vill ni ha stöd med\?: Kryssa i det som stämmer\./);
  assert.match(missingHtml, /<p class="ds-validation-message" id="e-children">Svara på frågan\.<\/p>/);

  // A body above even the form's own limit: the 413 page.
  const huge = new FormData();
  huge.append('csrf', csrf);
  huge.append('documents', new Blob([Buffer.alloc(27 * 1024 * 1024, 1)]), 'stor.pdf');
  const refused = await postForm(citizen, '/ansok/bjuv/familjestod', huge);
  assert.equal(refused.status, 413);
  assert.match(await refused.text(), /Det du skickade är för stort/);

  assert.deepEqual(written(), was);
});

test('financial assistance goes to the unit for financial aid, and a newcomer gives their name', async () => {
  const citizen = await loggedIn(new RegExp(`^${(await citizenOf('Båstad')).value}$`));
  // Båstad knows this person; Klippan does not.
  const page = await (await citizen.get('/ansok/klippan/ekonomiskt-bistand')).text();
  assert.match(page, /Kommunen har inga uppgifter om dig sedan tidigare/);
  const csrf = citizen.csrfFrom(page);
  const month = new Date().toISOString().slice(0, 7);
  const form = new URLSearchParams({
    csrf, form_version: '1', month, household: 'alone', has_salary: 'no', rent: '6 200',
    has_assets: 'no', occupation: 'seeking', confirm: 'yes', given_name: '', family_name: 'Testsson',
  });
  form.append('applies_for', 'living');
  form.append('applies_for', 'rent');
  const noName = await citizen.get('/ansok/klippan/ekonomiskt-bistand', {
    method: 'POST', body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(noName.status, 400);
  assert.match(await noName.text(), /id="e-given_name">Skriv ditt förnamn\./);
  form.set('given_name', 'Test');
  const ok = await citizen.get('/ansok/klippan/ekonomiskt-bistand', {
    method: 'POST', body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(ok.status, 303, await ok.text());
  const caseId = /(\d+)$/.exec(ok.headers.get('location'))[1];
  assert.equal(sql(`SELECT u.kind || '/' || p.given_name || ' ' || p.family_name || '/' || m.slug FROM case_file c
    JOIN unit u ON u.id = c.unit_id JOIN person p ON p.id = c.person_id JOIN municipality m ON m.id = c.municipality_id
    WHERE c.id = ${caseId}`), 'financial_aid/Test Testsson/klippan');
  const receipt = await (await citizen.get(`/ansok/kvitto/${caseId}`)).text();
  assert.match(receipt, /KLIPPAN-\d{4}-\d{6}/);
  assert.match(receipt, /Ekonomiskt bistånd/);
});

// A report form's token: the cookie the page sets and the field it carries.
async function reportForm(client, municipality) {
  const r = await client.get(`/orosanmalan/${municipality}`);
  assert.equal(r.status, 200);
  const html = await r.text();
  return { csrf: client.csrfFrom(html), html };
}

test('an anonymous report: a code shown once, and what the code may tell (R1.5)', async () => {
  const reporter = new Client(server.base);
  const list = await (await reporter.get('/orosanmalan')).text();
  assert.match(list, /href="\/orosanmalan\/bjuv"/);
  const { csrf, html } = await reportForm(reporter, 'bjuv');
  assert.match(html, /Ring 112/);
  assert.ok(reporter.cookies.get('nara_report'), 'the form sets its token cookie');
  assert.equal(reporter.cookies.get('nara_report'), csrf);

  const was = sql('SELECT COUNT(*) FROM child_report');
  const sent = await reporter.post('/orosanmalan/bjuv', {
    csrf, child_name: 'Liv Anonym', child_details: 'Går i årskurs 3 på Bjuvs skola.',
    concern: 'Hon kommer ofta utan mat och säger att ingen är hemma på kvällarna.',
    reporter_kind: 'anonymous', reporter_name: 'Ska inte sparas', reporter_phone: '070-1740699',
  });
  assert.equal(sent.status, 303);
  assert.equal(sent.headers.get('location'), '/orosanmalan/kvitto');
  const receipt = await reporter.get('/orosanmalan/kvitto');
  const receiptHtml = await receipt.text();
  const code = /id="receipt-code">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</.exec(receiptHtml)[1];
  assert.match(receiptHtml, /Den visas bara den här gången/);
  assert.match(receiptHtml, /Inom 14 dagar/);
  assert.match(receiptHtml, /Ring 112/);
  // Shown once: the second visit has no code.
  const again = await (await reporter.get('/orosanmalan/kvitto')).text();
  assert.doesNotMatch(again, new RegExp(code));
  assert.match(again, /Koden har redan visats/);

  // The report, with nothing that could name the anonymous reporter.
  assert.equal(Number(sql('SELECT COUNT(*) FROM child_report')), Number(was) + 1);
  assert.equal(sql(`SELECT reporter_kind || '/' || reporter_name || '/' || reporter_phone FROM child_report
    WHERE child_name = 'Liv Anonym'`), 'anonymous//');
  assert.equal(sql(`SELECT c.state || '/' || u.kind FROM child_report r JOIN case_file c ON c.id = r.case_id
    JOIN unit u ON u.id = c.unit_id WHERE r.child_name = 'Liv Anonym'`), 'preliminary/children_families');
  assert.doesNotMatch(sql('SELECT receipt_hash FROM child_report WHERE child_name = \'Liv Anonym\''), new RegExp(code.replace(/-/g, '')));

  // R1.5: the code tells whether an investigation was opened, nothing more.
  const asker = new Client(server.base);
  const form = await (await asker.get('/orosanmalan/status')).text();
  const token = asker.csrfFrom(form);
  const pending = await asker.post('/orosanmalan/status', { csrf: token, code: code.toLowerCase().replace(/-/g, ' ') });
  assert.equal(pending.status, 200);
  const pendingHtml = await pending.text();
  assert.match(pendingHtml, /id="status-answer">Vi har tagit emot anmälan\. Beslut om utredning är inte fattat än\.</);
  assert.doesNotMatch(pendingHtml, /Liv Anonym|Bjuv|årskurs/);
  const unknown = await (await asker.post('/orosanmalan/status', { csrf: token, code: 'ABCD-EFGH-JKLM' })).text();
  assert.match(unknown, /id="status-answer">Vi hittar ingen anmälan med den koden\./);
  const nonsense = await (await asker.post('/orosanmalan/status', { csrf: token, code: '<script>' })).text();
  assert.match(nonsense, /id="status-answer">Vi hittar ingen anmälan med den koden\./);
  const empty = await asker.post('/orosanmalan/status', { csrf: token, code: '' });
  assert.equal(empty.status, 400);
  assert.match(await empty.text(), /Skriv koden du fick/);
  // Without the cookie's token nothing is looked up.
  const forged = await new Client(server.base).post('/orosanmalan/status', { csrf: token, code });
  assert.equal(forged.status, 403);
  assert.doesNotMatch(await forged.text(), /status-answer/);
  // The code is never part of an address.
  assert.doesNotMatch(server.stderr, new RegExp(code));
});

test('a professional must give name and workplace; a forged form files nothing', async () => {
  const teacher = new Client(server.base);
  const { csrf } = await reportForm(teacher, 'bjuv');
  const was = sql('SELECT COUNT(*) FROM child_report');
  const report = {
    csrf, child_name: 'Nils Exempel', child_personnummer: '',
    concern: 'Nils har blåmärken på armarna och vill inte byta om till idrotten.',
    reporter_kind: 'professional', reporter_name: 'Per Lärare', reporter_organisation: '',
    reporter_profession: 'school',
  };
  const refused = await teacher.post('/orosanmalan/bjuv', report);
  assert.equal(refused.status, 400);
  const html = await refused.text();
  assert.match(html, /id="e-reporter_organisation">Du som anmäler i ditt arbete måste skriva ditt namn och din arbetsplats\./);
  assert.match(html, /href="#f-reporter_organisation"/);
  assert.match(html, /value="professional" id="f-reporter_kind-professional" checked/);
  assert.match(html, /Nils har blåmärken på armarna/);
  assert.equal(sql('SELECT COUNT(*) FROM child_report'), was);

  const badPnr = await teacher.post('/orosanmalan/bjuv', { ...report, reporter_organisation: 'Bjuvs skola',
    child_personnummer: '20150101-1235' });
  assert.equal(badPnr.status, 400);
  assert.match(await badPnr.text(), /id="e-child_personnummer">Personnumret stämmer inte/);

  // The same report from a page that lacks our cookie: nothing is filed.
  const forged = await new Client(server.base).post('/orosanmalan/bjuv', { ...report, reporter_organisation: 'Bjuvs skola' });
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /Ingenting har skickats/);
  assert.equal(sql('SELECT COUNT(*) FROM child_report'), was);

  const ok = await teacher.post('/orosanmalan/bjuv', { ...report, reporter_organisation: 'Bjuvs skola' });
  assert.equal(ok.status, 303);
  assert.equal(sql(`SELECT reporter_kind || '/' || reporter_name || '/' || reporter_organisation || '/' || reporter_profession
    FROM child_report WHERE child_name = 'Nils Exempel'`), 'professional/Per Lärare/Bjuvs skola/school');
  assert.equal((await teacher.get('/orosanmalan/atlantis')).status, 404);
});
