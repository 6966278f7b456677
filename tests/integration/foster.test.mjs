// The foster-home centre's walls over plain HTTP, with the audit rows each
// request writes: the public inquiry needs no login and is stored as the
// centre's; only the centre's staff read inquiries (a case officer, staff
// of another shared unit and a citizen are refused); the centre's staff
// never read the child's case or its placements; another committee's
// officer never reads Bjuv's placement; every read and write of the
// placement is one audit row; a form without its token changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Demo, BJUV, audited, pick } from '../lib/demo.mjs';
import { Client } from '../lib/login.mjs';

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

// A Bjuv child case (its page links to the placements) and its person.
async function bjuvChildCase(officer) {
  const html = await (await officer.get('/arbete')).text();
  const ids = [...new Set([...html.matchAll(/href="\/arbete\/arende\/(\d+)"/g)].map((m) => Number(m[1])))];
  for (const id of ids) {
    const page = await (await officer.get(`/arbete/arende/${id}`)).text();
    const person = /href="\/arbete\/person\/(\d+)"/.exec(page)?.[1];
    if (page.includes(`/arbete/arende/${id}/placering`) && person) return { id, person: Number(person) };
  }
  throw new Error('no Bjuv child case');
}

async function sendInquiry(name) {
  const anyone = new Client(server.base);
  const form = await (await anyone.get('/familjehem/intresse?kommun=hoganas')).text();
  return anyone.post('/familjehem/intresse', {
    csrf: csrfOf(form), name, email: 'x@example.se', phone: '', residence: 'hoganas',
    interest_emergency: '1', message: 'Hej',
  });
}

test('an inquiry from the public web: no login, stored as the centre\'s, one audit row', async () => {
  const name = `Familjen Berg ${Date.now()}`;
  const [res, rows] = await audited(() => sendInquiry(name));
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/familjehem/intresse/tack');
  assert.equal(rows.length, 1);
  assert.equal(rows[0].actor_kind, 'system');
  assert.equal(rows[0].action, 'create');
  assert.equal(rows[0].record_kind, 'foster_inquiry');
  assert.ok(rows[0].municipality_id !== BJUV);

  // Without the cookie's token nothing is stored, and the person is told.
  const stranger = new Client(server.base);
  const [bad, none] = await audited(() => stranger.post('/familjehem/intresse', {
    csrf: 'x'.repeat(43), name, email: 'x@example.se', residence: 'hoganas', interest_foster: '1',
  }));
  assert.equal(bad.status, 403);
  assert.match(await bad.text(), /säkerhetskod/);
  assert.deepEqual(none, []);

  // A municipality outside the partnership, and nothing chosen.
  const anyone = new Client(server.base);
  const form = await (await anyone.get('/familjehem/intresse')).text();
  let wrong = await anyone.post('/familjehem/intresse', { csrf: csrfOf(form), name, email: 'x@example.se', residence: 'bjuv' });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /Välj minst ett alternativ/);
  const [res2, rows2] = await audited(() => anyone.post('/familjehem/intresse',
    { csrf: csrfOf(form), name, email: 'x@example.se', residence: 'malmo', interest_contact: '1' }));
  wrong = res2;
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /Välj kommunen där du bor/);
  assert.deepEqual(rows2, []);
});

test('only the centre\'s staff read inquiries: each read one row; others refused, flagged', async () => {
  const name = `Familjen Sand ${Date.now()}`;
  await sendInquiry(name);
  const centreStaff = await demo.staff('angelholm.familjehemscentrum');
  const centre = await demo.login(/ · angelholm\.familjehemscentrum$/);
  let [res, rows] = await audited(() => centre.get('/familjehemscentrum'));
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(html.includes(name));
  const id = Number(new RegExp(`href="/familjehemscentrum/intresse/(\\d+)">${name}`).exec(html)[1]);
  assert.deepEqual(rows.map((r) => [r.action, r.record_kind, r.actor_id, r.flagged]),
    [['read', 'foster_inquiry_list', centreStaff.id, false], ['read', 'foster_home_list', centreStaff.id, false],
      ['read', 'foster_match_list', centreStaff.id, false]]);
  [res, rows] = await audited(() => centre.get(`/familjehemscentrum/intresse/${id}`));
  assert.equal(res.status, 200);
  assert.deepEqual(rows.map((r) => [r.action, r.record_kind, r.record_id]), [['read', 'foster_inquiry', id]]);

  // A step done: one write row; without the session's token: refused, nothing written.
  const page = await res.text();
  [res, rows] = await audited(() => centre.post(`/familjehemscentrum/intresse/${id}/steg`,
    { csrf: csrfOf(page), step: 'first_talk', done_on: new Date().toISOString().slice(0, 10), note: 'Bra samtal.' }));
  assert.equal(res.status, 303);
  assert.deepEqual(rows.map((r) => [r.action, r.record_kind, r.record_id]), [['update', 'foster_inquiry', id]]);
  [res, rows] = await audited(() => centre.post(`/familjehemscentrum/intresse/${id}/steg`,
    { step: 'home_visit', done_on: '2026-01-01' }));
  assert.equal(res.status, 403);
  assert.deepEqual(rows, []);

  for (const [username, pattern] of [['bjuv.handlaggare', / · bjuv\.handlaggare$/],
    ['helsingborg.familjefridscenter', / · helsingborg\.familjefridscenter$/],
    ['angelholm.handlaggare', / · angelholm\.handlaggare$/]]) {
    const who = await demo.staff(username);
    const c = await demo.login(pattern);
    [res, rows] = await audited(() => c.get(`/familjehemscentrum/intresse/${id}`));
    assert.equal(res.status, 403, username);
    assert.ok(!(await res.text()).includes(name));
    assert.deepEqual(rows.map((r) => [r.actor_id, r.action, r.record_kind, r.flagged]),
      [[who.id, 'read_denied', 'foster_inquiry', true]], username);
  }
  // A citizen is not staff: no page of the centre.
  const citizen = await demo.login(/, Höganäs$/);
  res = await citizen.get('/familjehemscentrum');
  assert.notEqual(res.status, 200);
});

test('the child\'s placement: Bjuv\'s officer reads and writes it, audited; the centre and Helsingborg never', async () => {
  const officerStaff = await demo.staff('bjuv.handlaggare');
  const officer = await demo.login(/ · bjuv\.handlaggare$/);
  const kase = await bjuvChildCase(officer);
  let [res, rows] = await audited(() => officer.get(`/arbete/arende/${kase.id}/placering`));
  assert.equal(res.status, 200);
  assert.equal(rows.length, 1);
  assert.deepEqual(pick(rows[0]), { actor_kind: 'staff', actor_id: officerStaff.id, actor_label: officerStaff.label,
    municipality_id: BJUV, action: 'read', record_kind: 'foster_placement', record_id: kase.id,
    person_id: kase.person, reason: rows[0].reason, flagged: false });
  const page = await res.text();
  [res, rows] = await audited(() => officer.post(`/arbete/arende/${kase.id}/placering`,
    { csrf: csrfOf(page), home: 'Jourhemmet Al', from: new Date().toISOString().slice(0, 10) }));
  assert.equal(res.status, 303);
  assert.deepEqual(rows.map((r) => [r.action, r.record_kind, r.municipality_id, r.person_id]),
    [['create', 'foster_placement', BJUV, kase.person]]);
  // Bad input: told what to do, nothing written.
  [res, rows] = await audited(() => officer.post(`/arbete/arende/${kase.id}/placering/matchning`,
    { csrf: csrfOf(page), age: '30', sex: 'girl', from: '2026-01-01' }));
  assert.equal(res.status, 400);
  assert.match(await res.text(), /barnets ålder i hela år/);
  assert.ok(rows.every((r) => r.action === 'read'));

  for (const [username, pattern, reason] of [
    ['angelholm.familjehemscentrum', / · angelholm\.familjehemscentrum$/, 'another municipality\'s record'],
    ['helsingborg.handlaggare', / · helsingborg\.handlaggare$/, 'another municipality\'s record']]) {
    const who = await demo.staff(username);
    const c = await demo.login(pattern);
    for (const path of [`/arbete/arende/${kase.id}/placering`, `/arbete/arende/${kase.id}`]) {
      [res, rows] = await audited(() => c.get(path));
      assert.equal(res.status, 403, `${username} ${path}`);
      assert.ok(!(await res.text()).includes('Jourhemmet Al'));
      assert.deepEqual(rows.map((r) => [r.actor_id, r.action, r.record_id, r.reason, r.flagged]),
        [[who.id, 'read_denied', kase.id, reason, true]], `${username} ${path}`);
    }
    const form = await (await c.get('/arbete')).text();
    [res, rows] = await audited(() => c.post(`/arbete/arende/${kase.id}/placering`,
      { csrf: csrfOf(form), home: 'Fel hem', from: '2026-01-01' }));
    assert.equal(res.status, 403, username);
    assert.deepEqual(rows.map((r) => [r.action, r.flagged]), [['write_denied', true]], username);
  }
  // The officer still sees exactly their own placement.
  const again = await (await officer.get(`/arbete/arende/${kase.id}/placering`)).text();
  assert.ok(again.includes('Jourhemmet Al'));
  assert.ok(!again.includes('Fel hem'));
});

test('after-hours support: only a foster parent sends, only the centre reads; each one audit row', async () => {
  const centre = await demo.login(/ · angelholm\.familjehemscentrum$/);
  const list = await (await centre.get('/familjehemscentrum')).text();
  // The demo's first Höganäs citizen is the Nyström home's foster parent.
  const [parentPnr] = await demo.pnrs(/, Höganäs$/);
  const parent = new Client(server.base);
  await parent.loginAs(new RegExp(`^citizen:${parentPnr}$`));
  let [res, rows] = await audited(() => parent.get('/mina-sidor/familjehem'));
  assert.equal(res.status, 200, 'the demo home has its foster parent');
  assert.deepEqual(rows.map((r) => [r.actor_kind, r.action, r.record_kind, r.flagged]),
    [['citizen', 'read', 'foster_support_list', false]]);
  const form = await res.text();
  const body = `Vi behöver prata ${Date.now()}`;
  [res, rows] = await audited(() => parent.post('/mina-sidor/familjehem', { csrf: csrfOf(form), kind: 'message', body }));
  assert.equal(res.status, 303);
  assert.deepEqual(rows.map((r) => [r.action, r.record_kind]), [['create', 'foster_support']]);
  // Mina sidor links to it.
  assert.ok((await (await parent.get('/mina-sidor')).text()).includes('/mina-sidor/familjehem'));

  // Another citizen: refused and flagged, no link.
  const other = await demo.login(/, Bjuv$/);
  [res, rows] = await audited(() => other.get('/mina-sidor/familjehem'));
  assert.equal(res.status, 403);
  assert.deepEqual(rows.map((r) => [r.action, r.record_kind, r.flagged]), [['read_denied', 'foster_support', true]]);
  assert.ok(!(await (await other.get('/mina-sidor')).text()).includes('/mina-sidor/familjehem'));

  // The centre on call reads it; a case officer does not.
  assert.ok(list.includes('/familjehemscentrum/stod'));
  [res, rows] = await audited(() => centre.get('/familjehemscentrum/stod'));
  assert.equal(res.status, 200);
  assert.ok((await res.text()).includes(body));
  assert.deepEqual(rows.map((r) => [r.action, r.record_kind]), [['read', 'foster_support_list']]);
  const officer = await demo.login(/ · bjuv\.handlaggare$/);
  [res, rows] = await audited(() => officer.get('/familjehemscentrum/stod'));
  assert.equal(res.status, 403);
  assert.ok(!(await res.text()).includes(body));
  assert.deepEqual(rows.map((r) => [r.action, r.flagged]), [['read_denied', true]]);
});

// The Bjuv child cases without a placement, up to n, as the officer finds them.
async function freeChildCases(officer, n) {
  const html = await (await officer.get('/arbete')).text();
  const ids = [...new Set([...html.matchAll(/href="\/arbete\/arende\/(\d+)"/g)].map((m) => Number(m[1])))];
  const found = [];
  for (const id of ids) {
    const page = await (await officer.get(`/arbete/arende/${id}`)).text();
    if (!page.includes(`/arbete/arende/${id}/placering`)) continue;
    const placement = await (await officer.get(`/arbete/arende/${id}/placering`)).text();
    if (placement.includes('Inga placeringar.')) found.push(id);
    if (found.length === n) break;
  }
  assert.equal(found.length, n, 'not enough Bjuv child cases without a placement');
  return found;
}

test('the last place of a home: two officers choose it at once, one child gets it', async () => {
  const family = `Familjen Ask ${Date.now()}`;
  await sendInquiry(family);
  const centre = await demo.login(/ · angelholm\.familjehemscentrum$/);
  const list = await (await centre.get('/familjehemscentrum')).text();
  const inquiry = new RegExp(`href="/familjehemscentrum/intresse/(\\d+)">${family}<`).exec(list)[1];
  const page = await (await centre.get(`/familjehemscentrum/intresse/${inquiry}`)).text();
  const today = new Date().toISOString().slice(0, 10);
  for (const step of ['first_talk', 'home_visit', 'references', 'register_checks', 'training', 'report']) {
    assert.equal((await centre.post(`/familjehemscentrum/intresse/${inquiry}/steg`,
      { csrf: csrfOf(page), step, done_on: today })).status, 303);
  }
  assert.equal((await centre.post(`/familjehemscentrum/intresse/${inquiry}/beslut`, { csrf: csrfOf(page),
    decision: 'approve', kind_foster: '1', places: '1', age_min: '0', age_max: '17' })).status, 303);

  // Two children of Bjuv in emergency homes, a request for each.
  const officers = [await demo.login(/ · bjuv\.handlaggare$/), await demo.login(/ · bjuv\.teamledare$/)];
  const cases = await freeChildCases(officers[0], 2);
  const matches = [];
  for (const id of cases) {
    const form = await (await officers[0].get(`/arbete/arende/${id}/placering`)).text();
    assert.equal((await officers[0].post(`/arbete/arende/${id}/placering`,
      { csrf: csrfOf(form), home: 'Jourhemmet Björk', from: today })).status, 303);
    assert.equal((await officers[0].post(`/arbete/arende/${id}/placering/matchning`,
      { csrf: csrfOf(form), age: '10', sex: 'boy', from: today })).status, 303);
    const after = await (await officers[0].get(`/arbete/arende/${id}/placering`)).text();
    matches.push(Number(/id="match-(\d+)"/.exec(after)[1]));
  }
  // The centre proposes the home for both.
  for (const match of matches) {
    const m = await (await centre.get(`/familjehemscentrum/matchning/${match}`)).text();
    const home = new RegExp(`<h3 class="ds-heading" data-size="sm">${family}, Höganäs</h3>[\\s\\S]*?name="home" value="(\\d+)"`).exec(m)[1];
    assert.equal((await centre.post(`/familjehemscentrum/matchning/${match}/forslag`,
      { csrf: csrfOf(m), home, disclosed: '' })).status, 303);
    matches[matches.indexOf(match)] = { match, home };
  }
  // Both officers choose at once.
  const forms = await Promise.all(cases.map(async (id, i) => csrfOf(await (await officers[i].get(`/arbete/arende/${id}/placering`)).text())));
  const answers = await Promise.all(cases.map((id, i) => officers[i].post(`/arbete/arende/${id}/placering/val`,
    { csrf: forms[i], match: String(matches[i].match), home: matches[i].home, from: today })));
  const statuses = answers.map((r) => r.status).sort();
  assert.deepEqual(statuses, [303, 400]);
  const refused = answers.find((r) => r.status === 400);
  assert.match(await refused.text(), /ingen ledig plats/);
  const register = await (await centre.get('/familjehemscentrum')).text();
  assert.match(new RegExp(`<tr>\\s*<td[^>]*>${family}</td>[\\s\\S]*?</tr>`).exec(register)[0], /placerade 1, lediga 0/);
});
