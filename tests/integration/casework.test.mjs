// The staff's casework over plain HTTP, through the development login: a
// report registered by telephone shows in the worklist with its
// protection clock due today; the whole journey — protection assessment,
// investigation, extension, decision, intervention, follow-up, closure —
// through the case page's forms, each step on the timeline and in the
// audit log; a form on an old version of the case is refused with the
// input kept; an illegal move posted by hand is refused and changes
// nothing; another municipality's officer gets 403 and a flagged audit
// row; a form without its CSRF token gets 403. Runs on both engines
// (scripts/test.sh).
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
  assert.equal(r.code, 0, `${JSON.stringify(r)} ${server.stderr.slice(-3000)}`);
});

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const decode = (s) => s.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

async function officer(pattern = /bjuv\.handlaggare$/) {
  const c = new Client(server.base);
  await c.loginAs(pattern);
  return c;
}

// Registers a report of concern as staff and returns the new case's id.
async function register(client, fields) {
  const page = await (await client.get('/arbete/anmalan')).text();
  const res = await client.post('/arbete/anmalan', {
    csrf: client.csrfFrom(page), reporter_kind: 'professional', reporter_name: 'Polisen Syd',
    organisation: 'Polismyndigheten', profession: 'police',
    concern: 'Polisen var på plats efter larm om bråk. Två barn var hemma.', ...fields,
  });
  const html = await res.text();
  assert.equal(res.status, 200, html);
  assert.match(html, /Anmälan är registrerad/);
  assert.match(html, /<strong class="nara-receipt">[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}<\/strong>/);
  return /href="\/arbete\/arende\/(\d+)"/.exec(html)[1];
}

// The case page, with what its forms need.
async function casePage(client, id) {
  const res = await client.get(`/arbete/arende/${id}`);
  const html = await res.text();
  return {
    status: res.status, html,
    csrf: client.csrfFrom(html),
    version: /name="version" value="(\d+)"/.exec(html)?.[1],
    state: /<dt>Läge<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1],
  };
}

// Posts one of the case page's forms as the page drew it; expects 303.
async function step(client, id, path, fields, done) {
  const page = await casePage(client, id);
  const res = await client.post(`/arbete/arende/${id}/${path}`, { csrf: page.csrf, version: page.version, ...fields });
  const body = res.status === 303 ? '' : await res.text();
  assert.equal(res.status, 303, `${path} ${JSON.stringify(fields)}: ${/ds-error-summary[\s\S]*?<\/div>/.exec(body)?.[0] || body.slice(0, 300)}`);
  assert.equal(res.headers.get('location'), `/arbete/arende/${id}?klart=${done}`);
  return casePage(client, id);
}

test('a report registered by telephone is in the worklist, its protection assessment due today', async () => {
  const first = await officer(/bjuv\.forstalinjen$/);
  const child = `Telefonbarn ${unique()}`;
  const id = await register(first, { child_name: child });
  const worker = await officer();
  const html = await (await worker.get('/arbete?sort=received')).text();
  const row = new RegExp(`<tr[^>]*>\\s*<td data-label="Ärende"><a class="ds-link nara-ref" href="/arbete/arende/${id}">[\\s\\S]*?</tr>`).exec(html)?.[0];
  assert.ok(row, 'the new case is a row of the worklist');
  assert.match(row, new RegExp(child));
  // Due today, in words and as a tag, not only in colour (WCAG 1.4.1).
  assert.match(row, /<span class="ds-tag" data-color="warning">Snart<\/span> Skyddsbedömning: sista dagen är i dag/);
  assert.match(row, /Ingen handläggare/);
  assert.match(row, /class="nara-row-soon"/);
  // The count per unit counts it; the filter for what needs attention keeps it.
  assert.match(html, /<th scope="row"><a class="ds-link" href="\/arbete\?unit=\d+">Barn och familj<\/a><\/th><td data-label="Öppna">\d+<\/td>/);
  const attention = await (await worker.get('/arbete?attention=1')).text();
  assert.match(attention, new RegExp(`href="/arbete/arende/${id}"`));
  // The case page points to the assessment and warns about the reporter.
  const page = await casePage(worker, id);
  assert.equal(page.status, 200);
  assert.match(page.html, /En anmälan väntar på skyddsbedömning/);
  assert.match(page.html, /Anmälarens identitet får inte lämnas ut/);
  assert.match(page.html, /Polisen Syd, Polismyndigheten \(Polis\)/);
});

test('the whole journey through the forms, every step on the timeline and in the audit log', async () => {
  const c = await officer();
  const child = `Resebarn ${unique()}`;
  const id = await register(c, { child_name: child });
  let page = await casePage(c, id);
  assert.equal(page.state, 'Förhandsbedömning');
  const me = decode(/<option value="(\d+)">[^<]*\(Barn och familj\)<\/option>/.exec(page.html)[1]);
  page = await step(c, id, 'team', { staff: me, do: 'assign' }, 'assign');

  // R1.1: the protection assessment, on the day.
  const report = /name="report" value="(\d+)"/.exec(page.html)[1];
  page = await step(c, id, 'skydd', { report, immediate: '0', assessment: 'Inget akut skyddsbehov.', visibility: 'now' }, 'protection');
  assert.doesNotMatch(page.html, /En anmälan väntar på skyddsbedömning/);
  assert.match(page.html, /Inget omedelbart skyddsbehov\./);

  // R1.2: opened, the child heard.
  page = await step(c, id, 'steg', { action: 'open_investigation', child_heard: '1' }, 'open_investigation');
  assert.equal(page.state, 'Utredning');
  assert.match(page.html, /<strong>Utredning<\/strong>: \d+ dagar kvar/);

  // R1.3: extended before the due date, to a month later.
  const due = /<time datetime="(\d{4}-\d{2}-\d{2})">/.exec(page.html)[1];
  const later = new Date(`${due}T12:00:00Z`);
  later.setUTCDate(later.getUTCDate() + 30);
  const newDue = later.toISOString().slice(0, 10);
  page = await step(c, id, 'steg', { action: 'extend', new_due: newDue, reason: 'Väntar på BUP.' }, 'extend');
  assert.match(page.html, new RegExp(`<time datetime="${newDue}">`));

  // R2.2: the decision in full; the appeal text comes prefilled.
  const appeal = decode(/<textarea class="ds-input" id="decide-appeal"[^>]*>([^<]*)<\/textarea>/.exec(page.html)[1]);
  assert.match(appeal, /förvaltningsrätten/);
  const presenter = /<option value="(\d+)">[^<]*\(Vuxen\)<\/option>/.exec(page.html)[1];
  page = await step(c, id, 'steg', {
    action: 'decide', outcome: 'granted', subject: 'Familjebehandling',
    content: 'Familjen beviljas familjebehandling.', reasons: 'Utredningen visar behovet.',
    legal_basis: '4 kap. 1 § SoL', delegation: 'Punkt 3.1', presented_by: presenter, appeal,
  }, 'decide');
  assert.equal(page.state, 'Beslut fattat');
  assert.match(page.html, /<h3 class="ds-heading" data-size="sm">Beviljat: Familjebehandling<\/h3>/);
  assert.match(page.html, /<dt>Lagrum<\/dt><dd>4 kap. 1 § SoL<\/dd>/);
  assert.match(page.html, /<dt>Delegation<\/dt><dd>Punkt 3.1<\/dd>/);
  assert.match(page.html, /<dt>Föredragande<\/dt><dd>[^<]+<\/dd>/);
  assert.match(page.html, /<dt>Så överklagar du<\/dt><dd class="nara-body">Du kan överklaga/);

  // An intervention from the catalogue, chosen in its level's group.
  assert.match(page.html, /<optgroup label="Riktad insats">/);
  const kind = /<option value="(\d+)">Familjebehandling<\/option>/.exec(page.html)[1];
  page = await step(c, id, 'steg', { action: 'start_intervention', intervention: kind }, 'start_intervention');
  assert.equal(page.state, 'Insats pågår');
  page = await step(c, id, 'steg', { action: 'follow_up', reason: 'Familjen kommer till varje träff.' }, 'follow_up');
  assert.equal(page.state, 'Uppföljning');
  page = await step(c, id, 'steg', { action: 'close', reason: 'Målen är nådda.' }, 'close');
  assert.equal(page.state, 'Avslutat');
  assert.match(page.html, /Ärendet är avslutat\./);
  // Closed after an investigation: reopening is offered, with the R1.3 warning.
  assert.match(page.html, /Om du öppnar ärendet igen börjar inte utredningstiden om/);

  const timeline = /<ol class="nara-timeline">([\s\S]*?)<\/ol>/.exec(page.html)[1];
  const steps = ['Ärendet skapades', 'Ny handläggare', 'Skyddsbedömning gjord', 'Utredning inleddes',
    'Utredningstiden förlängdes', 'Beslut fattades', 'Insatsen började', 'Uppföljning', 'Ärendet avslutades'];
  let at = 0;
  for (const s of steps) {
    const found = timeline.indexOf(`: ${s}`, at);
    assert.ok(found >= 0, `"${s}" on the timeline after the step before it`);
    at = found;
  }
  assert.match(timeline, /Utredningstiden förlängdes \(Utredning → Utredning\)|Utredningstiden förlängdes – Väntar på BUP\./);

  // The security officer sees every step in the audit log.
  const sec = await officer(/bjuv\.sakerhet$/);
  const log = await (await sec.get('/arbete/granskning?user=bjuv.handlaggare')).text();
  for (const action of ['case.assign', 'case.open_investigation', 'case.extend', 'case.decide',
    'case.start_intervention', 'case.follow_up', 'case.close']) {
    assert.match(log, new RegExp(`<td>${action.replace('.', '\\.')}</td><td>case ${id}</td>`), action);
  }
  assert.match(log, new RegExp(`<td>case\\.protection</td><td>child_report ${report}</td>`));
  assert.match(log, new RegExp(`<td>read</td><td>case ${id}</td>`));
});

test('a form drawn on an old version is refused, the input kept; so is an illegal move', async () => {
  const c = await officer();
  const id = await register(c, { child_name: `Versionsbarn ${unique()}` });
  const old = await casePage(c, id);
  // Someone else writes a note meanwhile.
  const other = await officer(/bjuv\.teamledare$/);
  const theirs = await casePage(other, id);
  const note = await other.post(`/arbete/arende/${id}/anteckning`, { csrf: theirs.csrf, version: theirs.version, body: 'Samtal med skolan.', visibility: 'now' });
  assert.equal(note.status, 303);

  const stale = await c.post(`/arbete/arende/${id}/steg`, {
    csrf: old.csrf, version: old.version, action: 'not_open', child_heard: '0',
    child_not_heard_reason: 'Barnet är två år.', reason: 'Familjen har redan stöd.',
  });
  assert.equal(stale.status, 409);
  const html = await stale.text();
  assert.match(html, /Någon annan ändrade ärendet medan du arbetade/);
  // What was typed is still there, in the form that was sent, which is open.
  assert.match(html, /<details class="ds-details" id="form-not_open" open>/);
  assert.match(html, /id="not_open-reason" name="reason" rows="3">Familjen har redan stöd\.<\/textarea>/);
  assert.match(html, /id="not_open-child_heard-0" name="child_heard" value="0" checked>/);
  let page = await casePage(c, id);
  assert.equal(page.state, 'Förhandsbedömning');

  // A required answer missing: 400, the message by its field.
  const missing = await c.post(`/arbete/arende/${id}/steg`, { csrf: page.csrf, version: page.version, action: 'not_open', child_heard: '1', reason: '' });
  assert.equal(missing.status, 400);
  const missingHtml = await missing.text();
  assert.match(missingHtml, /<p class="ds-validation-message" id="not_open-reason-error">Skriv ett skäl\.<\/p>/);
  assert.match(missingHtml, /id="not_open-reason" name="reason" rows="3" aria-invalid="true" aria-describedby="not_open-reason-error">/);
  assert.match(missingHtml, /<a class="ds-link" href="#not_open-reason">Skriv ett skäl\.<\/a>/);

  // A move the flow does not allow from here, posted by hand.
  const illegal = await c.post(`/arbete/arende/${id}/steg`, { csrf: page.csrf, version: page.version, action: 'start_intervention', intervention: '1' });
  assert.equal(illegal.status, 409);
  assert.match(await illegal.text(), /Det går inte att göra det i ärendets nuvarande läge/);
  const after = await casePage(c, id);
  assert.equal(after.state, 'Förhandsbedömning');
  assert.equal(after.version, page.version, 'nothing changed');
  assert.doesNotMatch(after.html, /id="form-start_intervention"/, 'the page never offered it');
  // A move that does not exist at all is a bad request.
  assert.equal((await c.post(`/arbete/arende/${id}/steg`, { csrf: page.csrf, version: page.version, action: 'delete' })).status, 400);
  // A form without its version is one too.
  assert.equal((await c.post(`/arbete/arende/${id}/anteckning`, { csrf: page.csrf, body: 'x', visibility: 'now' })).status, 400);
});

test('another municipality\'s officer gets 403, with a flagged audit row; no CSRF token, 403', async () => {
  const c = await officer();
  const id = await register(c, { child_name: `Väggbarn ${unique()}` });
  const page = await casePage(c, id);
  const hbg = await officer(/helsingborg\.handlaggare$/);
  const refused = await hbg.get(`/arbete/arende/${id}`);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /Du har inte behörighet/);
  // Their own form token, posted to a Bjuv case: refused too.
  const own = hbg.csrfFrom(await (await hbg.get('/arbete')).text());
  const write = await hbg.post(`/arbete/arende/${id}/anteckning`, { csrf: own, version: page.version, body: 'Intrång', visibility: 'now' });
  assert.equal(write.status, 403);
  // The other unit of the same municipality is refused as well (R4.1).
  assert.equal((await (await officer(/bjuv\.handlaggare2$/)).get(`/arbete/arende/${id}`)).status, 403);

  const sec = await officer(/bjuv\.sakerhet$/);
  const log = await (await sec.get('/arbete/granskning?flagged=1&user=helsingborg.handlaggare')).text();
  assert.match(log, new RegExp(`helsingborg\\.handlaggare\\)</td><td>read_denied <strong>\\(flaggad\\)</strong></td><td>case ${id}</td>`));
  assert.match(log, new RegExp(`helsingborg\\.handlaggare\\)</td><td>write_denied <strong>\\(flaggad\\)</strong></td><td>case ${id}</td>`));

  // No token, or a forged one: 403, and the case is as it was.
  for (const csrf of [undefined, 'x'.repeat(43)]) {
    const form = { version: page.version, action: 'not_open', child_heard: '1', reason: 'Inget behov.' };
    if (csrf) form.csrf = csrf;
    assert.equal((await c.post(`/arbete/arende/${id}/steg`, form)).status, 403);
  }
  assert.equal((await c.post('/arbete/anmalan', { child_name: 'X', reporter_kind: 'anonymous', concern: 'Oro' })).status, 403);
  const after = await casePage(c, id);
  assert.equal(after.version, page.version);
  assert.equal(after.state, 'Förhandsbedömning');
  // Staff who do no casework cannot register a report either.
  const security = sec.csrfFrom(await (await sec.get('/arbete/anmalan')).text());
  assert.equal((await sec.post('/arbete/anmalan', { csrf: security, child_name: 'X', reporter_kind: 'anonymous', concern: 'Oro' })).status, 403);
});

test('a note, its correction linked both ways, and its visibility changed', async () => {
  const c = await officer();
  const id = await register(c, { child_name: `Journalbarn ${unique()}` });
  let page = await step(c, id, 'anteckning', { body: 'Samtal med mamma i tisdags.', visibility: 'now' }, 'note');
  const first = /<li id="note-(\d+)">\s*<p class="ds-paragraph"><strong>[^<]*<\/strong>, [^<]*<span class="nara-muted">\(anteckning\)/.exec(page.html)[1];
  // The correction link starts from the old text.
  const draft = await (await c.get(`/arbete/arende/${id}?rattar=${first}`)).text();
  assert.match(draft, /<textarea class="ds-input" id="note-body" name="body" rows="5">Samtal med mamma i tisdags\.<\/textarea>/);
  assert.match(draft, new RegExp(`<option value="${first}" selected>`));
  page = await step(c, id, 'anteckning', { body: 'Rättelse: samtalet var i onsdags.', corrects: first, visibility: 'from_date', from: '2099-01-01' }, 'note');
  const second = new RegExp(`<li id="note-(\\d+)">(?:(?!</li>)[\\s\\S])*Rättelse: samtalet var i onsdags`).exec(page.html)[1];
  assert.match(page.html, new RegExp(`<a class="ds-link" href="#note-${second}">Rättad i en senare anteckning</a>`));
  assert.match(page.html, new RegExp(`<a class="ds-link" href="#note-${first}">Rättar en tidigare anteckning</a>`));
  assert.match(page.html, /Syns från ett datum: 1 januari 2099\. Den enskilde kan inte läsa den nu\./);
  // Withheld needs a reason; with one it is saved.
  const missing = await c.post(`/arbete/arende/${id}/synlighet`, { csrf: page.csrf, version: page.version, note: first, visibility: 'withheld' });
  assert.equal(missing.status, 400);
  assert.match(await missing.text(), /id="visibility-visibility-error">Välj vem som får se anteckningen/);
  page = await step(c, id, 'synlighet', { note: first, visibility: 'withheld', reason: 'third_party' }, 'visibility');
  assert.match(page.html, /Visas inte för den enskilde: Uppgifter om någon annan\. Den enskilde kan inte läsa den nu\./);
});

// A personnummer for a new child: born 2015-06-12, a random serial, the
// check digit by the Luhn rule (so the report makes the child a person).
function childPnr() {
  const serial = String(100 + Math.floor(Math.random() * 880));
  const digits = `150612${serial}`;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `20${digits.slice(0, 6)}-${serial}${(10 - (sum % 10)) % 10}`;
}

test('every report about a child is found from the child, with what came of it (R1.6)', async () => {
  const c = await officer();
  const pnr = childPnr();
  const first = await register(c, { child_name: 'Nummer Barnsson', child_pnr: pnr, concern: `Första oron ${unique()}` });
  // The first leads to nothing; the second, later, opens a case of its own.
  await step(c, first, 'steg', { action: 'not_open', child_heard: '1', reason: 'Ingen oro efter samtal.' }, 'not_open');
  const second = await register(c, { child_name: 'Nummer Barnsson', child_pnr: pnr, concern: `Andra oron ${unique()}` });
  assert.notEqual(second, first);
  const personId = /href="\/arbete\/person\/(\d+)"/.exec((await casePage(c, second)).html)[1];
  const person = await (await c.get(`/arbete/person/${personId}`)).text();
  assert.match(person, new RegExp(`href="/arbete/person/${personId}/anmalningar"`));
  const res = await c.get(`/arbete/person/${personId}/anmalningar`);
  assert.equal(res.status, 200);
  const html = await res.text();
  const rowOf = (id) => new RegExp(`<tr>(?:(?!</tr>)[\\s\\S])*href="/arbete/arende/${id}"[\\s\\S]*?</tr>`).exec(html)?.[0];
  assert.match(rowOf(first) || '', /<td data-label="Vad hände">Ingen utredning inleddes<\/td>/);
  assert.match(rowOf(second) || '', /<td data-label="Vad hände">Inget beslut om utredning än<\/td>/);
  // Newest first.
  assert.ok(html.indexOf(`/arbete/arende/${second}"`) < html.indexOf(`/arbete/arende/${first}"`));
  // Another municipality's officer cannot list them.
  assert.equal((await (await officer(/helsingborg\.handlaggare$/)).get(`/arbete/person/${personId}/anmalningar`)).status, 403);
});
