// The walls, from the outside, over plain HTTP: another municipality,
// another unit (and break-the-glass through it, never through the
// municipality's wall), protected identity, guardians of a young child, of
// a 15-year-old and of a child with protected identity, shared services
// without a referral, and citizens never on staff pages. Each refusal of a
// record leaves a flagged row in the audit log; the chain holds at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Demo, BJUV, HELSINGBORG, personId, audited, pick } from '../lib/demo.mjs';

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

const REASON = 'Polisen ringde i natt om akut oro för personen och jag har jouren.';
const ADDRESS = /(gatan|vägen) \d+/;

function csrfOf(html) {
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1];
}

// A staff member's row about a person of a municipality.
function staffRow(staff, municipality, person, action, reason, flagged) {
  return { actor_kind: 'staff', actor_id: staff.id, actor_label: staff.label, municipality_id: municipality,
    action, record_kind: 'person', record_id: person, person_id: person, reason, flagged };
}

// A citizen's row: citizens are named by the first half of their number only.
function citizenRow(pnr, municipality, person, action, reason, flagged) {
  return { actor_kind: 'citizen', actor_id: 0, actor_label: `invånare ${pnr.slice(0, 8)}-****`,
    municipality_id: municipality, action, record_kind: 'person', record_id: person, person_id: person,
    reason, flagged };
}

test('the demo municipalities have the ids the tests name', async () => {
  const officer = await demo.staff('bjuv.handlaggare');
  const hbg = await demo.staff('helsingborg.handlaggare');
  const [, rows] = await audited(async () => {
    await demo.login(/ · bjuv\.handlaggare$/);
    await demo.login(/ · helsingborg\.handlaggare$/);
  });
  assert.deepEqual(rows.map((r) => [r.action, r.actor_id, r.municipality_id]),
    [['login', officer.id, BJUV], ['login', hbg.id, HELSINGBORG]]);
});

test('another municipality: never found, refused by address, and a reason does not open it', async () => {
  const hbgPnr = await demo.pnr(/, Helsingborg$/);
  const hbgId = await personId(await demo.login(/ · helsingborg\.handlaggare$/), hbgPnr);
  assert.ok(hbgId);
  const officer = await demo.staff('bjuv.handlaggare');
  const c = await demo.login(/ · bjuv\.handlaggare$/);

  const search = await (await c.get(`/arbete?pnr=${hbgPnr}`)).text();
  assert.match(search, /Ingen person med det personnumret finns i din kommun/);
  assert.doesNotMatch(search, /arbete\/person\//);

  const [page, rows] = await audited(() => c.get(`/arbete/person/${hbgId}`));
  assert.equal(page.status, 403);
  const html = await page.text();
  assert.match(html, /<h1[^>]*>Du har inte behörighet<\/h1>/);
  assert.doesNotMatch(html, /name="reason"/, 'no break-the-glass form across municipalities');
  assert.deepEqual(rows.map(pick), [staffRow(officer, HELSINGBORG, hbgId, 'read_denied', "another municipality's record", true)]);

  // Posting the form anyway: refused, and the attempt with its reason is flagged.
  const csrf = csrfOf(await (await c.get('/arbete')).text());
  const [forced, forcedRows] = await audited(() => c.post(`/arbete/person/${hbgId}`, { csrf, reason: REASON }));
  assert.equal(forced.status, 403);
  assert.doesNotMatch(await forced.text(), new RegExp(hbgPnr.slice(0, 8)));
  assert.deepEqual(forcedRows.map(pick), [staffRow(officer, HELSINGBORG, hbgId, 'break_glass_denied',
    `another municipality's record: ${REASON}`, true)]);
});

test('another unit: refused with the break-the-glass form, opened once with a reason, flagged for review', async () => {
  // Bjuv's second listed citizen is in Vuxen's caseload; bjuv.handlaggare works in Barn och familj.
  const [, pnr] = await demo.pnrs(/, Bjuv$/);
  const vuxen = await demo.login(/ · bjuv\.handlaggare2$/);
  const id = await personId(vuxen, pnr);
  const own = await (await vuxen.get(`/arbete/person/${id}`)).text();
  assert.match(own, /<dt>Verksamhet<\/dt><dd>Vuxen<\/dd>/);

  const officer = await demo.staff('bjuv.handlaggare');
  const c = await demo.login(/ · bjuv\.handlaggare$/);
  const search = await (await c.get(`/arbete?pnr=${pnr}`)).text();
  assert.match(search, new RegExp(`${pnr.slice(0, 8)}-${pnr.slice(8)}: personen hör till en annan verksamhet i kommunen\\. <a class="ds-link" href="/arbete/person/${id}">Öppna med ett angivet skäl</a>`));

  const [refused, refusedRows] = await audited(() => c.get(`/arbete/person/${id}`));
  assert.equal(refused.status, 403);
  const form = await refused.text();
  assert.match(form, /<h1[^>]*>Personen hör till en annan verksamhet<\/h1>/);
  assert.match(form, new RegExp(`<form method="post" action="/arbete/person/${id}">`));
  assert.match(form, /<textarea[^>]* name="reason"/);
  assert.doesNotMatch(form, ADDRESS, 'the refusal shows nothing of the person');
  assert.deepEqual(refusedRows.map(pick), [staffRow(officer, BJUV, id, 'read_denied', "another unit's record", true)]);
  const csrf = csrfOf(form);

  // No token, or a reason that is not a sentence: nothing is read or written.
  const [forged, forgedRows] = await audited(() => c.post(`/arbete/person/${id}`, { csrf: 'x'.repeat(43), reason: REASON }));
  assert.equal(forged.status, 403);
  assert.deepEqual(forgedRows, []);
  const [short, shortRows] = await audited(() => c.post(`/arbete/person/${id}`, { csrf, reason: 'Akut oro nu' }));
  assert.equal(short.status, 400);
  const again = await short.text();
  assert.match(again, /Skriv skälet som minst en hel mening/);
  assert.match(again, /aria-invalid="true"/);
  assert.match(again, />Akut oro nu<\/textarea>/);
  assert.deepEqual(shortRows, []);

  const [opened, openedRows] = await audited(() => c.post(`/arbete/person/${id}`, { csrf, reason: REASON }));
  assert.equal(opened.status, 200);
  const html = await opened.text();
  assert.match(html, /Du har öppnat uppgifterna med ett angivet skäl/);
  assert.match(html, /<dt>Verksamhet<\/dt><dd>Vuxen<\/dd>/);
  assert.match(html, ADDRESS, 'not protected: the address is part of the record');
  assert.deepEqual(openedRows.map(pick), [staffRow(officer, BJUV, id, 'read_break_glass', REASON, true)]);

  // For this one view: the next visit is refused again.
  assert.equal((await c.get(`/arbete/person/${id}`)).status, 403);

  // Bjuv's security officer sees it, flagged, with the reason; Helsingborg's does not.
  const sec = await demo.login(/ · bjuv\.sakerhet$/);
  const review = await (await sec.get('/arbete/granskning?flagged=1')).text();
  assert.match(review, new RegExp(`bjuv\\.handlaggare\\)</td><td>read_break_glass <strong>\\(flaggad\\)</strong></td><td>person ${id}</td><td>${REASON}</td>`));
  const hsec = await demo.login(/ · helsingborg\.sakerhet$/);
  assert.doesNotMatch(await (await hsec.get('/arbete/granskning?flagged=1')).text(), /read_break_glass/);

  // And the person sees that Vuxen and Barn och familj have read their file.
  const citizen = await demo.login(new RegExp(`^citizen:${pnr}$`));
  const mine = await (await citizen.get('/mina-sidor')).text();
  assert.match(mine, /<td>Bjuv<\/td><td>Barn och familj<\/td>/);
  assert.match(mine, /<td>Bjuv<\/td><td>Vuxen<\/td>/);
});

test('protected identity: the address only to named staff of the unit, never by break-the-glass', async () => {
  const pnr = await demo.pnr(/, Bjuv \(skyddade personuppgifter\)$/);
  const officer = await demo.login(/ · bjuv\.handlaggare$/);
  const id = await personId(officer, pnr);
  const plain = await (await officer.get(`/arbete/person/${id}`)).text();
  assert.match(plain, /Visas inte \(skyddade personuppgifter\)/);
  assert.doesNotMatch(plain, ADDRESS);

  // The team lead of the same unit is named (demo): the address is shown.
  const lead = await demo.login(/ · bjuv\.teamledare$/);
  const named = await (await lead.get(`/arbete/person/${id}`)).text();
  assert.match(named, /Skyddade personuppgifter/);
  assert.match(named, ADDRESS);

  // Another unit breaks the glass: the person, never the address.
  const other = await demo.staff('bjuv.handlaggare2');
  const c = await demo.login(/ · bjuv\.handlaggare2$/);
  const form = await (await c.get(`/arbete/person/${id}`)).text();
  const [opened, rows] = await audited(() => c.post(`/arbete/person/${id}`, { csrf: csrfOf(form), reason: REASON }));
  assert.equal(opened.status, 200);
  const html = await opened.text();
  assert.match(html, /Du har öppnat uppgifterna med ett angivet skäl/);
  assert.match(html, /Visas inte \(skyddade personuppgifter\)/);
  assert.doesNotMatch(html, ADDRESS);
  assert.deepEqual(rows.map(pick), [staffRow(other, BJUV, id, 'read_break_glass', REASON, true)]);
});

test('guardians: a young child\'s record, not a 15-year-old\'s, not a protected child\'s, not another\'s', async () => {
  const officer = await demo.login(/ · bjuv\.handlaggare$/);
  const alva = await personId(officer, await demo.pnr(/^Alva Lind, Bjuv$/));
  const nils = await personId(officer, await demo.pnr(/^Nils Berg, Bjuv$/));
  const olle = await personId(officer, await demo.pnr(/^Olle Ek, Bjuv \(skyddade personuppgifter\)$/));
  const hbgAlva = await personId(await demo.login(/ · helsingborg\.handlaggare$/),
    await demo.pnr(/^Alva Lind, Helsingborg$/));
  assert.ok(alva && nils && olle && hbgAlva);

  const sara = await demo.pnr(/^Sara Lind, Bjuv$/);
  const parent = await demo.login(new RegExp(`^citizen:${sara}$`));
  const [mine, listRows] = await audited(() => parent.get('/mina-sidor'));
  const html = await mine.text();
  assert.match(html, /Barn som du är vårdnadshavare för/);
  assert.match(html, new RegExp(`<a class="ds-link" href="/mina-sidor/barn/${alva}">Alva Lind</a>, Bjuv`));
  assert.doesNotMatch(html, /Nils|Olle/);
  // Her own record and her child's, each a read of its own.
  const saraId = await personId(officer, sara);
  assert.deepEqual(listRows.map(pick), [citizenRow(sara, BJUV, saraId, 'read', "the citizen's own record", false),
    citizenRow(sara, BJUV, alva, 'read', 'guardian of a child under 13', false)]);

  const [child, childRows] = await audited(() => parent.get(`/mina-sidor/barn/${alva}`));
  assert.equal(child.status, 200);
  const page = await child.text();
  assert.match(page, /<h1[^>]*>Alva Lind<\/h1>/);
  assert.match(page, /Vem har läst barnets uppgifter/);
  assert.match(page, /<td>Bjuv<\/td><td>Barn och familj<\/td>/, 'the officer\'s search read her file');
  assert.deepEqual(childRows.map(pick), [citizenRow(sara, BJUV, alva, 'read', 'guardian of a child under 13', false)]);

  // Someone else's child, even of the same name in another municipality.
  for (const other of [nils, hbgAlva]) {
    const [r, rows] = await audited(() => parent.get(`/mina-sidor/barn/${other}`));
    assert.equal(r.status, 403);
    assert.deepEqual(rows.map((x) => [x.action, x.person_id, x.reason, x.flagged]),
      [['read_denied', other, "not the citizen's own record", true]]);
  }

  // The 15-year-old's guardian: not listed, refused by address, flagged.
  const johan = await demo.pnr(/^Johan Berg, Bjuv$/);
  const teenParent = await demo.login(new RegExp(`^citizen:${johan}$`));
  assert.doesNotMatch(await (await teenParent.get('/mina-sidor')).text(), /vårdnadshavare för|Nils/);
  const [teen, teenRows] = await audited(() => teenParent.get(`/mina-sidor/barn/${nils}`));
  assert.equal(teen.status, 403);
  assert.doesNotMatch(await teen.text(), /Nils/);
  assert.deepEqual(teenRows.map(pick), [citizenRow(johan, BJUV, nils, 'read_denied', 'the child is 13 or older', true)]);

  // The protected child's guardian: never shown, never opened.
  const maria = await demo.pnr(/^Maria Ek, Bjuv \(skyddade personuppgifter\)$/);
  const protParent = await demo.login(new RegExp(`^citizen:${maria}$`));
  assert.doesNotMatch(await (await protParent.get('/mina-sidor')).text(), /vårdnadshavare för|Olle/);
  const [prot, protRows] = await audited(() => protParent.get(`/mina-sidor/barn/${olle}`));
  assert.equal(prot.status, 403);
  assert.deepEqual(protRows.map(pick), [citizenRow(maria, BJUV, olle, 'read_denied', 'protected identity', true)]);
});

test('shared-service staff see nothing without an accepted referral', async () => {
  const pnr = await demo.pnr(/, Helsingborg$/);
  const staff = await demo.staff('helsingborg.familjefridscenter');
  const c = await demo.login(/ · helsingborg\.familjefridscenter$/);
  const search = await (await c.get(`/arbete?pnr=${pnr}`)).text();
  assert.match(search, /du har inte behörighet att se den här personen/);
  const id = Number(/href="\/arbete\/person\/(\d+)"/.exec(search)?.[1] ??
    await personId(await demo.login(/ · helsingborg\.handlaggare$/), pnr));
  const [page, rows] = await audited(() => c.get(`/arbete/person/${id}`));
  assert.equal(page.status, 403);
  assert.doesNotMatch(await page.text(), /name="reason"/);
  assert.deepEqual(rows.map(pick), [staffRow(staff, HELSINGBORG, id, 'read_denied', 'no accepted referral', true)]);
});

test('a citizen never reaches staff pages, nor staff a citizen\'s', async () => {
  const pnr = await demo.pnr(/, Bjuv$/);
  const id = await personId(await demo.login(/ · bjuv\.handlaggare$/), pnr);
  const citizen = await demo.login(new RegExp(`^citizen:${pnr}$`));
  const csrf = csrfOf(await (await citizen.get('/mina-sidor')).text());
  assert.ok(csrf);
  const [, rows] = await audited(async () => {
    for (const path of ['/arbete', `/arbete?pnr=${pnr}`, `/arbete/person/${id}`, '/arbete/granskning'])
      assert.equal((await citizen.get(path)).status, 403, path);
    // Not even their own record through the staff page, nor by breaking the glass.
    assert.equal((await citizen.post(`/arbete/person/${id}`, { csrf, reason: REASON })).status, 403);
    assert.equal((await citizen.post('/arbete/granskning', { csrf, month: '2026-01' })).status, 403);
  });
  // Turned away at the door: no record was read, so none is in the log.
  assert.deepEqual(rows, []);

  const staff = await demo.login(/ · bjuv\.handlaggare$/);
  for (const path of ['/mina-sidor', `/mina-sidor/barn/${id}`])
    assert.equal((await staff.get(path)).status, 403, path);
});

test('the audit chain holds after all of it', () => {
  const v = cli(['audit', 'verify']);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /audit log intact/);
});
