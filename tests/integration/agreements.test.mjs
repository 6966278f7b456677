// Agreements between municipalities as administrators record them (R3.3),
// over plain HTTP: the host's administrator records one, changes it as a
// new version (the old one stops where the new one starts) and ends it; a
// member's administrator reads but cannot write; another municipality's
// administrator neither sees nor changes it; a case officer cannot open the
// page. Bad input is refused with a sentence saying what to do, and nothing
// is half-written. Each write leaves its audit row with the admin as actor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Demo, BJUV, HELSINGBORG, audited } from '../lib/demo.mjs';
import { sql as rows } from '../lib/video.mjs';

// The first column of each row, one a line.
const sql = (statement) => rows(statement).map((r) => r[0]).join('\n');

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
const iso = (d) => d.toISOString().slice(0, 10);
const inDays = (n) => iso(new Date(Date.now() + n * 86400000));

// The ids the form offers, by label.
function optionIds(html, name) {
  return Object.fromEntries([...html.matchAll(new RegExp(`name="${name}" value="([^"]+)" id="[^"]+"[^>]*><label[^>]*>([^<]+)<`, 'g'))]
    .map((m) => [m[2], m[1]]));
}

function form(csrf, fields) {
  const p = new URLSearchParams({ csrf });
  for (const [k, v] of fields) p.append(k, v);
  return p;
}

async function post(client, path, params) {
  return client.get(path, { method: 'POST', body: params.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
}

test('the host records an agreement, changes it as a new version and ends it; every write audited', async () => {
  const admin = await demo.staff('helsingborg.admin');
  const c = await demo.login(/ · helsingborg\.admin$/);
  const page = await (await c.get('/arbete/avtal')).text();
  assert.match(page, /Avtal om gemensamt familjefridscenter/);
  const csrf = csrfOf(page);
  const members = optionIds(page, 'member');
  const units = optionIds(page, 'unit');
  assert.ok(members.Bjuv && members['Ängelholm'], JSON.stringify(members));
  assert.equal(members.Helsingborg, undefined, 'the host is not its own member');
  assert.ok(units['Digital tolktjänst']);

  // Bad input: each refusal says what to do; nothing is stored.
  const before = Number(sql('SELECT COUNT(*) FROM agreement'));
  const base = [['name', 'Avtal om nattjour'], ['services', 'Socialjour på nätter och helger.'],
    ['member', members.Bjuv], ['unit', units['Digital tolktjänst']], ['move', 'decide'],
    ['valid_from', inDays(1)]];
  const cases = [
    [base.filter(([k]) => k !== 'member'), /Välj minst en medlemskommun/],
    [base.filter(([k]) => k !== 'unit'), /Välj minst en av kommunens gemensamma enheter/],
    [[...base, ['valid_to', inDays(0)]], /måste sluta gälla efter att det börjar/],
    [[...base.filter(([k]) => k !== 'member'), ['member', '9999']], /finns inte på plattformen/],
    [[...base, ['member', members.Bjuv]], /finns inte på plattformen/],
    [[...base.filter(([k]) => k !== 'valid_from'), ['valid_from', '1 jan']], /år-månad-dag/],
  ];
  for (const [fields, message] of cases) {
    const res = await post(c, '/arbete/avtal', form(csrf, fields));
    assert.equal(res.status, 400);
    assert.match(await res.text(), message);
  }
  assert.equal(Number(sql('SELECT COUNT(*) FROM agreement')), before);

  // Recorded: version 1, the admin as the actor of the audit row.
  const [res, rows] = await audited(() => post(c, '/arbete/avtal', form(csrf, base)));
  assert.equal(res.status, 303);
  const series = Number(/\/arbete\/avtal\/(\d+)/.exec(res.headers.get('location'))[1]);
  const mine = rows.filter((r) => r.actor_kind === 'staff');
  assert.deepEqual(mine.map((r) => [r.actor_id, r.actor_label, r.municipality_id, r.action, r.record_kind, r.record_id, r.agreement_id]),
    [[admin.id, admin.label, HELSINGBORG, 'create', 'agreement', series, series]]);
  let one = await (await c.get(`/arbete/avtal/${series}`)).text();
  assert.match(one, /Avtal om nattjour/);
  assert.match(one, /Fatta beslut/);
  assert.match(one, /börjar gälla senare/);

  // A change is a new version of the same series; the old one ends where it starts.
  const expected = /name="expected" value="(\d+)"/.exec(one)[1];
  const change = [['expected', expected], ['name', 'Avtal om nattjour'], ['services', 'Socialjour dygnet runt.'],
    ['member', members.Bjuv], ['member', members['Ängelholm']], ['unit', units['Digital tolktjänst']],
    ['move', 'decide'], ['move', 'close'], ['valid_from', inDays(10)]];
  // Not before the current version starts.
  let r2 = await post(c, `/arbete/avtal/${series}/andra`, form(csrf, change.map(([k, v]) => [k, k === 'valid_from' ? inDays(1) : v])));
  assert.equal(r2.status, 400);
  assert.match(await r2.text(), /måste börja gälla efter att den nuvarande versionen började/);
  const [r3, rows3] = await audited(() => post(c, `/arbete/avtal/${series}/andra`, form(csrf, change)));
  assert.equal(r3.status, 303);
  const versions = sql(`SELECT id || ':' || version || ':' || valid_from || ':' || COALESCE(valid_to, 0) FROM agreement WHERE series = ${series} ORDER BY version`).split('\n');
  assert.equal(versions.length, 2);
  const [v1, v2] = versions.map((l) => l.split(':').map(Number));
  assert.equal(v1[1], 1);
  assert.equal(v2[1], 2);
  assert.equal(v1[3], v2[2], 'the old version ends where the new one starts');
  assert.equal(v2[3], 0);
  assert.deepEqual(rows3.filter((r) => r.actor_kind === 'staff').map((r) => [r.actor_id, r.action, r.agreement_id]),
    [[admin.id, 'new_version', v2[0]]]);
  one = await (await c.get(`/arbete/avtal/${series}`)).text();
  assert.match(one, /Avsluta ärendet/);
  assert.match(one, /Ängelholm/);

  // A form drawn on the old version is refused.
  r2 = await post(c, `/arbete/avtal/${series}/andra`, form(csrf, change));
  assert.equal(r2.status, 409);
  assert.match(await r2.text(), /Någon annan har ändrat avtalet/);

  // Ended: valid_to of the newest version.
  const newest = /name="expected" value="(\d+)"/.exec(one)[1];
  assert.equal(Number(newest), v2[0]);
  r2 = await post(c, `/arbete/avtal/${series}/avsluta`, form(csrf, [['expected', newest], ['valid_to', inDays(5)]]));
  assert.equal(r2.status, 400, 'an end before the version starts');
  const [r4, rows4] = await audited(() => post(c, `/arbete/avtal/${series}/avsluta`, form(csrf, [['expected', newest], ['valid_to', inDays(40)]])));
  assert.equal(r4.status, 303);
  assert.deepEqual(rows4.filter((r) => r.actor_kind === 'staff').map((r) => [r.action, r.agreement_id]), [['end', v2[0]]]);
  assert.notEqual(Number(sql(`SELECT COALESCE(valid_to, 0) FROM agreement WHERE id = ${v2[0]}`)), 0);
});

test('walls: a member reads, another municipality sees nothing, a case officer is refused', async () => {
  const series = Number(sql("SELECT series FROM agreement WHERE name = 'Avtal om digital tolktjänst' AND version = 1"));
  // Bjuv is a member: reads, no forms, and a post is refused.
  const bjuv = await demo.login(/ · bjuv\.admin$/);
  const list = await (await bjuv.get('/arbete/avtal')).text();
  assert.match(list, /Avtal om digital tolktjänst/);
  assert.match(list, /medlem/);
  const one = await bjuv.get(`/arbete/avtal/${series}`);
  assert.equal(one.status, 200);
  const html = await one.text();
  assert.doesNotMatch(html, /Spara som ny version/);
  const csrf = csrfOf(html);
  const before = sql(`SELECT COUNT(*) || ':' || MAX(COALESCE(valid_to, 0)) FROM agreement WHERE series = ${series}`);
  let r = await post(bjuv, `/arbete/avtal/${series}/avsluta`, form(csrf, [['valid_to', inDays(3)]]));
  assert.equal(r.status, 403);
  r = await post(bjuv, `/arbete/avtal/${series}/andra`, form(csrf, [['name', 'x'], ['member', String(BJUV)], ['valid_from', inDays(3)]]));
  assert.equal(r.status, 403);
  assert.equal(sql(`SELECT COUNT(*) || ':' || MAX(COALESCE(valid_to, 0)) FROM agreement WHERE series = ${series}`), before);

  // An agreement Bjuv is not part of (recorded above, members Bjuv and
  // Ängelholm): Landskrona's admin is answered as if it did not exist.
  const own = Number(sql("SELECT series FROM agreement WHERE name = 'Avtal om nattjour' AND version = 1"));
  const lk = await demo.login(/ · landskrona\.admin$/);
  assert.doesNotMatch(await (await lk.get('/arbete/avtal')).text(), /Avtal om nattjour/);
  assert.equal((await lk.get(`/arbete/avtal/${own}`)).status, 404);
  const lkCsrf = csrfOf(await (await lk.get('/arbete/avtal')).text());
  r = await post(lk, `/arbete/avtal/${own}/avsluta`, form(lkCsrf, [['valid_to', inDays(60)]]));
  assert.equal(r.status, 404);

  // A case officer has no agreements page at all.
  const officer = await demo.login(/ · helsingborg\.handlaggare$/);
  assert.equal((await officer.get('/arbete/avtal')).status, 403);
  assert.equal((await officer.get(`/arbete/avtal/${series}`)).status, 403);
});
