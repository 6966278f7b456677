// A referral to the family-peace centre in Chromium (DOMAIN.md R3.2, R3.3),
// axe on every page: Bjuv's case officer refers a case to the centre that
// Helsingborg hosts for the eleven municipalities, with the person's
// consent given in a meeting; the centre sees only what is asked until it
// accepts, then the disclosed parts, and writes a note that says it was
// written for Bjuv under the agreement; the person withdraws the consent
// on Mina sidor; the centre's next read is refused. Every read and write
// the centre made is in the audit log with the agreement and the basis.
// Then two referrals on a statutory ground end: one by the centre when its
// work is done, one taken back by the officer before an answer.
//
// The case is written straight into the test database (as the video tests
// do with meetings): a case of a Bjuv citizen the development login offers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { sql } from '../lib/video.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;
const contexts = [];
const dirs = [];
let caseId, person;
const SEEN = `Berättar om hot från en tidigare partner ${Date.now()}`;
const WITHHELD = 'Uppgift om grannen som inte lämnas ut';

before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  // A Bjuv citizen of the development login without protected identity.
  [person] = sql(`SELECT p.id, p.personnummer, p.given_name, p.family_name,
    p.municipality_id, u.id FROM person p JOIN municipality m ON m.id = p.municipality_id
    JOIN unit u ON u.municipality_id = m.id AND u.slug = 'barn-och-familj'
    WHERE m.slug = 'bjuv' AND p.fictitious = 1 AND p.protected_identity = 0
    AND p.id <= 220 AND ((p.id - 1) % 20) IN (0, 1, 3) ORDER BY p.id LIMIT 1`);
  const [id, pnr, , , municipality, unit] = person;
  const now = Math.floor(Date.now() / 1000);
  const ref = `BJUV-2026-F${String(now).slice(-5)}`;
  [[caseId]] = sql(`INSERT INTO case_file (municipality_id, unit_id, person_id, kind,
    matter, state, reference, received_at, updated_at) VALUES (${municipality}, ${unit},
    ${id}, 'application', 'support', 'received', '${ref}', ${now - 3600}, ${now - 3600})
    RETURNING id`);
  sql(`INSERT INTO journal_note (case_id, municipality_id, written_at, author_kind,
    author_label, kind, body, visibility) VALUES (${caseId}, ${municipality}, ${now - 3000},
    'staff', 'Handläggare i Bjuv', 'note', '${SEEN}', 'now')`);
  sql(`INSERT INTO journal_note (case_id, municipality_id, written_at, author_kind,
    author_label, kind, body, visibility, withheld_reason) VALUES (${caseId}, ${municipality},
    ${now - 2000}, 'staff', 'Handläggare i Bjuv', 'note', '${WITHHELD}', 'withheld',
    'third_party')`);
  assert.ok(pnr.length === 12);
});
after(async () => {
  for (const c of contexts) await c.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

async function browserContext() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-family-peace-'));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, locale: 'sv-SE', args: ARGS,
  });
  contexts.push(ctx);
  return ctx;
}

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

async function login(ctx, next, button) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.base}/login?next=${encodeURIComponent(next)}`);
  await page.locator('button', { hasText: button }).first().click();
  await page.waitForURL((url) => url.pathname === next);
  return { page, errors };
}

test('Bjuv refers to the family-peace centre with consent; the centre works; the person withdraws; the door closes', async () => {
  const [, , given, family] = person;
  const fullName = `${given} ${family}`;
  // Other suites share the database and may have referred the same person.
  const [[auditFrom]] = sql('SELECT COALESCE(MAX(id), 0) FROM audit_log');

  // Bjuv's case officer: the case, the referral form, an error, the referral.
  const officer = await login(await browserContext(), '/arbete', /· bjuv\.handlaggare$/);
  await officer.page.goto(`${server.base}/arbete/arende/${caseId}`);
  assert.deepEqual(await axe(officer.page), []);
  await officer.page.click('a:has-text("Remiss till en gemensam enhet")');
  await officer.page.waitForURL(/\/remiss$/);
  assert.equal((await officer.page.textContent('h1')).trim(), 'Remiss till en gemensam enhet');
  assert.deepEqual(await axe(officer.page), []);
  const centreOption = await officer.page.locator('#enhet option',
    { hasText: 'Familjefridscenter (Helsingborg)' }).getAttribute('value');
  await officer.page.selectOption('#enhet', centreOption);
  const bad = officer.page.waitForResponse((r) => r.request().method() === 'POST');
  await officer.page.click('button:has-text("Skicka remissen")');
  assert.equal((await bad).status(), 400);
  assert.match(await officer.page.textContent('#fraga-error'), /Skriv vad ni ber enheten om/);
  assert.equal(await officer.page.getAttribute('#fraga', 'aria-invalid'), 'true');
  assert.deepEqual(await axe(officer.page), []);
  await officer.page.fill('#fraga', 'Stödsamtal för en vuxen som har utsatts för våld i en nära relation.');
  await officer.page.check('#del_journal');
  await officer.page.check('#grund-meeting');
  await officer.page.click('button:has-text("Skicka remissen")');
  await officer.page.waitForURL(/\?sparat=1$/);
  assert.match(await officer.page.textContent('main'), /Remissen är skickad\./);
  assert.match(await officer.page.textContent('#remisser ~ ul, main'), /Väntar på svar/);
  assert.deepEqual(await axe(officer.page), []);
  const [[referralId]] = sql(`SELECT MAX(id) FROM referral WHERE case_id = ${caseId}`);

  // The centre: the inbox and the referral, nothing personal before it accepts.
  const centre = await login(await browserContext(), '/arbete', /· helsingborg\.familjefridscenter$/);
  await centre.page.click('a:has-text("Remisser till enheten")');
  await centre.page.waitForURL(/\/arbete\/remisser$/);
  assert.match(await centre.page.textContent('main'), /Från Bjuv/);
  assert.doesNotMatch(await centre.page.textContent('main'), new RegExp(fullName));
  assert.deepEqual(await axe(centre.page), []);
  await centre.page.click(`a[href="/arbete/remisser/${referralId}"]`);
  await centre.page.waitForURL(new RegExp(`/arbete/remisser/${referralId}$`));
  const before = await centre.page.textContent('main');
  assert.match(before, /Stödsamtal för en vuxen/);
  assert.doesNotMatch(before, new RegExp(fullName));
  assert.doesNotMatch(before, new RegExp(SEEN));
  assert.deepEqual(await axe(centre.page), []);

  // Accepts: the disclosed parts, and nothing withheld from the person.
  await centre.page.click('button:has-text("Ta emot remissen")');
  await centre.page.waitForURL(/\?sparat=accepted$/);
  const opened = await centre.page.textContent('main');
  assert.match(opened, /Remissen är mottagen\./);
  assert.match(opened, new RegExp(fullName));
  assert.match(opened, new RegExp(SEEN));
  assert.doesNotMatch(opened, new RegExp(WITHHELD));
  assert.deepEqual(await axe(centre.page), []);

  // Writes a note: stamped acting-for, the committee's record.
  await centre.page.fill('#text', 'Första stödsamtalet är bokat.');
  await centre.page.click('button:has-text("Spara anteckningen")');
  await centre.page.waitForURL(/\?sparat=note/);
  const noted = await centre.page.textContent('main');
  assert.match(noted, /Skrivet för Bjuvs kommun enligt Avtal om gemensamt familjefridscenter, version 1/);
  assert.match(noted, /Första stödsamtalet är bokat\./);
  assert.deepEqual(await axe(centre.page), []);
  const [[noteMunicipality]] = sql(`SELECT municipality_id FROM journal_note
    WHERE case_id = ${caseId} AND body = 'Första stödsamtalet är bokat.'`);
  assert.equal(noteMunicipality, person[4]);
  // Where the person stays (R4.4): recorded and shown at the centre only;
  // a note that would carry it into the committee's file is refused.
  await centre.page.fill('#adress', 'Skyddsvägen 7');
  await centre.page.fill('#postnummer', '254 40');
  await centre.page.click('button:has-text("Spara vistelseadress")');
  await centre.page.waitForURL(/\?sparat=where/);
  assert.match(await centre.page.textContent('section[aria-labelledby="vistelse"]'), /Skyddsvägen 7 254 40/);
  assert.deepEqual(await axe(centre.page), []);
  await centre.page.fill('#text', 'Hon bor nu på Skyddsvägen 7.');
  await centre.page.click('button:has-text("Spara anteckningen")');
  assert.match(await centre.page.textContent('#text-error'), /stannar hos familjefridscenter/);
  assert.deepEqual(await axe(centre.page), []);
  assert.deepEqual(sql(`SELECT COUNT(*) FROM journal_note WHERE body LIKE '%Skyddsvägen%'`), [['0']]);
  // The whole case page stays closed to the centre.
  const whole = await centre.page.goto(`${server.base}/arbete/arende/${caseId}`);
  assert.equal(whole.status(), 403);
  assert.deepEqual(await axe(centre.page), []);

  // The person withdraws on Mina sidor.
  const citizen = await login(await browserContext(), '/mina-sidor', new RegExp(`^${fullName}, Bjuv$`));
  await citizen.page.click('a:has-text("Mina samtycken")');
  await citizen.page.waitForURL(/\/mina-sidor\/samtycken$/);
  const consents = await citizen.page.textContent('main');
  assert.match(consents, /Familjefridscenter, Helsingborg/);
  assert.match(consents, /Gäller/);
  assert.match(consents, /Enheten har tagit emot remissen/);
  assert.deepEqual(await axe(citizen.page), []);
  await citizen.page.click('button:has-text("Återkalla samtycket")');
  await citizen.page.waitForURL(/\?sparat=withdrawn$/);
  assert.match(await citizen.page.textContent('main'), /Samtycket är återkallat\./);
  assert.match(await citizen.page.textContent('main'), /Återkallat/);
  assert.deepEqual(await axe(citizen.page), []);

  // The centre's next read is refused, and says why.
  const closed = await centre.page.goto(`${server.base}/arbete/remisser/${referralId}`);
  assert.equal(closed.status(), 403);
  const after = await centre.page.textContent('main');
  assert.match(after, /Personen har återkallat sitt samtycke/);
  assert.doesNotMatch(after, new RegExp(fullName));
  assert.doesNotMatch(after, new RegExp(SEEN));
  assert.deepEqual(await axe(centre.page), []);

  // Every access of the centre to the case: the agreement and the basis.
  const rows = sql(`SELECT a.action, COALESCE(a.agreement_id, 0), COALESCE(a.reason, ''),
    a.record_kind FROM audit_log a JOIN staff_user s ON s.id = a.actor_id
    WHERE a.actor_kind = 'staff' AND s.username = 'helsingborg.familjefridscenter'
    AND a.person_id = ${person[0]} AND a.id > ${auditFrom} ORDER BY a.id`);
  assert.deepEqual(rows.map((r) => r[0]),
    ['referral.accept', 'read', 'create', 'read', 'create', 'read', 'read', 'read_denied', 'read_denied']);
  for (const [action, agreement, reason] of rows) {
    assert.ok(Number(agreement) > 0, `${action} without an agreement`);
    assert.match(reason, new RegExp(`referral ${referralId}, consent \\d+`), action);
  }
  assert.match(rows.at(-1)[2], /consent withdrawn/);
  for (const p of [officer, centre, citizen])
    assert.deepEqual(p.errors.filter((e) => /Content Security Policy|Refused/.test(e)), []);
});

test('a referral ended by each side, each refusal and each end without axe violations', async () => {
  // A case of its own (the same person) for two referrals on a statutory ground.
  const [id, , , , municipality, unit] = person;
  const now = Math.floor(Date.now() / 1000);
  const [[ownCase]] = sql(`INSERT INTO case_file (municipality_id, unit_id, person_id, kind,
    matter, state, reference, received_at, updated_at) VALUES (${municipality}, ${unit},
    ${id}, 'application', 'support', 'received', 'BJUV-2026-G${String(now).slice(-5)}', ${now}, ${now})
    RETURNING id`);
  const officer = await login(await browserContext(), '/arbete', /· bjuv\.handlaggare$/);
  const refer = async (asked) => {
    await officer.page.goto(`${server.base}/arbete/arende/${ownCase}/remiss`);
    const option = await officer.page.locator('#enhet option',
      { hasText: 'Familjefridscenter (Helsingborg)' }).getAttribute('value');
    await officer.page.selectOption('#enhet', option);
    await officer.page.fill('#fraga', asked);
    await officer.page.check('#grund-statutory');
    await officer.page.selectOption('#lag', 'osl_26_9');
    await officer.page.fill('#lag_not', 'Skydd för en vuxen');
    await officer.page.click('button:has-text("Skicka remissen")');
    await officer.page.waitForURL(/\?sparat=1$/);
    return Number(sql(`SELECT MAX(id) FROM referral WHERE case_id = ${ownCase}`)[0][0]);
  };

  // The centre accepts the first and ends it when its work is done.
  const first = await refer('Stödsamtal, tre gånger.');
  const centre = await login(await browserContext(), '/arbete', /· helsingborg\.familjefridscenter$/);
  await centre.page.goto(`${server.base}/arbete/remisser/${first}`);
  await centre.page.click('button:has-text("Ta emot remissen")');
  await centre.page.waitForURL(/\?sparat=accepted$/);
  assert.deepEqual(await axe(centre.page), []);
  const refusedEnd = centre.page.waitForResponse((r) => r.request().method() === 'POST');
  await centre.page.click('section[aria-labelledby="avsluta"] button[type="submit"]');
  assert.equal((await refusedEnd).status(), 400);
  assert.match(await centre.page.textContent('#avslut_skal-error'), /Skriv varför remissen avslutas/);
  assert.equal(await centre.page.getAttribute('#avslut_skal', 'aria-invalid'), 'true');
  assert.deepEqual(await axe(centre.page), []);
  await centre.page.fill('#avslut_skal', 'Samtalen är genomförda.');
  await centre.page.click('section[aria-labelledby="avsluta"] button[type="submit"]');
  await centre.page.waitForURL(/\/arbete\/remisser\?sparat=ended$/);
  assert.match(await centre.page.textContent('main'), /Remissen är avslutad\./);
  assert.deepEqual(await axe(centre.page), []);
  const shut = await centre.page.goto(`${server.base}/arbete/remisser/${first}`);
  assert.equal(shut.status(), 403);
  assert.match(await centre.page.textContent('main'), /Remissen är avslutad\. Ni kan inte längre läsa något ur akten\./);
  assert.deepEqual(await axe(centre.page), []);

  // The officer takes the second back before the centre has answered.
  const second = await refer('Rådgivning om skydd.');
  const item = officer.page.locator('li', { hasText: 'Rådgivning om skydd.' });
  assert.match(await officer.page.textContent('main'), /Avslutad .*Samtalen är genomförda\./);
  await item.locator('summary').click();
  const refused = officer.page.waitForResponse((r) => r.request().method() === 'POST');
  await item.locator('button[type="submit"]').click();
  assert.equal((await refused).status(), 400);
  assert.match(await officer.page.textContent(`#avslut-${second}-error`), /Skriv varför remissen avslutas/);
  assert.deepEqual(await axe(officer.page), []);
  await officer.page.fill(`#avslut-${second}`, 'Fel enhet, vi tar tillbaka remissen.');
  await officer.page.locator('li', { hasText: 'Rådgivning om skydd.' }).locator('button[type="submit"]').click();
  await officer.page.waitForURL(/\?sparat=ended$/);
  assert.match(await officer.page.textContent('main'), /Remissen är avslutad\. Enheten kan inte längre läsa något ur akten\./);
  assert.match(await officer.page.textContent('main'), /Fel enhet, vi tar tillbaka remissen\./);
  assert.deepEqual(await axe(officer.page), []);
  // The centre can no longer accept it.
  await centre.page.goto(`${server.base}/arbete/remisser/${second}`);
  assert.equal(await centre.page.locator('button:has-text("Ta emot remissen")').count(), 0);
  assert.deepEqual(await axe(centre.page), []);
  for (const p of [officer, centre])
    // Only the answers the test asks for: the refusals (400) and the shut door (403).
    assert.deepEqual(p.errors.filter((e) => !/status of 40[03] /.test(e)), []);
});
