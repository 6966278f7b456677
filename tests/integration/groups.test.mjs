// Support groups against a real server and database (both engines): the
// public catalogue and its filters; a Bjuv citizen signs up for a group of
// Landskrona's shared unit and sees it on Mina sidor; twelve people try
// the last place of a series at once: exactly one gets it, the others are
// on the waiting list in order, and when the place is given up the first
// of them moves up; the walls (another municipality's staff see no
// participants; the host's reads are audited with the agreement); a case
// officer enrols a person with consent and the host never sees the case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDatabase, startServer, stopServer, auditRows, auditLastId } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { demoAccount, demoCaseHref } from '../lib/democase.mjs';

let server;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function citizens(base) {
  const { list } = await new Client(base).accounts();
  return list.filter((a) => a.value.startsWith('citizen:'));
}

async function login(base, pattern) {
  const c = new Client(base);
  await c.loginAs(pattern);
  return c;
}

async function loginAccount(base, account) {
  return login(base, new RegExp(`^${esc(account.value)}$`));
}

// { title: id } from the public catalogue.
async function catalogue(c, query = '') {
  const html = await (await c.get(`/stodgrupper${query}`)).text();
  return Object.fromEntries([...html.matchAll(/href="\/stodgrupper\/(\d+)">([^<]+)</g)]
    .map((m) => [m[2].replace(/&amp;/g, '&'), Number(m[1])]));
}

async function seriesOf(c, groupId) {
  const html = await (await c.get(`/stodgrupper/${groupId}`)).text();
  return [...html.matchAll(/action="\/stodgrupper\/serie\/(\d+)\/anmal"/g)].map((m) => Number(m[1]));
}

async function signup(c, groupId, seriesId, name, home = '1') {
  const html = await (await c.get(`/stodgrupper/${groupId}`)).text();
  return c.post(`/stodgrupper/serie/${seriesId}/anmal`, {
    csrf: c.csrfFrom(html), grupp: String(groupId), namn: name,
    epost: 'deltagare@example.com', telefon: '070-123 45 67', kommun: home,
  });
}

// A new series of one place, made by the group's leader through the page.
async function newSeries(leader, groupId, capacity) {
  const html = await (await leader.get('/arbete/grupper')).text();
  const d = new Date(Date.now() + 9 * 86400e3).toISOString().slice(0, 10);
  const res = await leader.post(`/arbete/grupper/${groupId}/serie`, {
    csrf: leader.csrfFrom(html), datum: d, tid: '17:00', antal: '4', minuter: '90',
    platser: String(capacity), plats: 'Föreningsgatan 12, Landskrona',
  });
  assert.equal(res.status, 303, await res.text());
  return Number(/serie\/(\d+)/.exec(res.headers.get('location'))[1]);
}

// The first series of a group on its leader's list.
async function leaderSeries(leader, gid) {
  const list = await (await leader.get('/arbete/grupper')).text();
  return Number(new RegExp(`id="g-${gid}"[\\s\\S]*?/arbete/grupper/serie/(\\d+)`).exec(list)[1]);
}

test('the catalogue is public and filters by municipality and by whom a group is for', async () => {
  const anyone = new Client(server.base);
  const all = await catalogue(anyone);
  for (const t of ['Stödgrupp för barn som har levt med våld', 'Barn i familjer med missbruk',
    'Föräldragrupp: Alla barn i centrum', 'Separationsgrupp för barn']) assert.ok(all[t], t);
  const page = await (await anyone.get(`/stodgrupper/${all['Barn i familjer med missbruk']}`)).text();
  assert.match(page, /Stödgrupper i nordvästra Skåne, Landskrona/);
  assert.match(page, /platser kvar/);
  assert.match(page, /Logga in för att anmäla dig/);
  const closed = await (await anyone.get(`/stodgrupper/${all['Stödgrupp för barn som har levt med våld']}`)).text();
  assert.match(closed, /genom din socialsekreterare/);
  assert.doesNotMatch(closed, /\/anmal"/);
  const bjuv = await catalogue(anyone, '?kommun=bjuv');
  assert.ok(bjuv['Barn i familjer med missbruk']);
  assert.equal(bjuv['Föräldragrupp: Alla barn i centrum'], undefined); // Helsingborg's own
  const parents = await catalogue(anyone, '?for=parents');
  assert.deepEqual(Object.keys(parents), ['Föräldragrupp: Alla barn i centrum']);
  assert.equal((await anyone.get('/stodgrupper/999999')).status, 404);
  // Signing up needs a citizen's session and its form token.
  const [series] = await seriesOf(await login(server.base, /, Bjuv$/), all['Barn i familjer med missbruk']);
  assert.equal((await anyone.post(`/stodgrupper/serie/${series}/anmal`, { grupp: '1', namn: 'X' })).status, 403);
});

test('a Bjuv citizen signs up for a Landskrona group, audited under the agreement, and sees it on Mina sidor', async () => {
  const c = await login(server.base, /, Bjuv$/);
  const groups = await catalogue(c);
  const gid = groups['Separationsgrupp för barn'];
  const [sid] = await seriesOf(c, gid);
  // A bad address is said in words, nothing written.
  const before = auditLastId();
  const bad = await c.post(`/stodgrupper/serie/${sid}/anmal`, {
    csrf: c.csrfFrom(await (await c.get(`/stodgrupper/${gid}`)).text()), grupp: String(gid),
    namn: 'Bo', epost: 'inte en adress', telefon: '', kommun: '1' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Skriv en e-postadress som fungerar/);
  assert.equal(auditRows({ after: before }).filter((r) => r.record_kind === 'group_enrolment').length, 0);
  const res = await signup(c, gid, sid, 'Bo Bjuvsson');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/mina-sidor/grupper?klart=anmald');
  const rows = auditRows({ after: before }).filter((r) => r.record_kind === 'group_enrolment');
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, 'create');
  assert.equal(rows[0].actor_kind, 'citizen');
  assert.ok(rows[0].agreement_id > 0, JSON.stringify(rows[0]));
  const mine = await (await c.get('/mina-sidor/grupper?klart=anmald')).text();
  assert.match(mine, /Separationsgrupp för barn/);
  assert.match(mine, /Du har en plats/);
  assert.match(mine, /Stödgrupper i nordvästra Skåne, Landskrona/);
  // Twice: refused in words.
  const again = await signup(c, gid, sid, 'Bo Bjuvsson');
  assert.equal(again.status, 400);
  assert.match(await again.text(), /redan anmäld/);
  // Staff are not citizens.
  const staff = await login(server.base, /· helsingborg\.handlaggare$/);
  assert.equal((await staff.get('/mina-sidor/grupper')).status, 403);
});

test('twelve people try the last place at once: one gets it, the rest wait in order, and the first moves up', async () => {
  const leader = await login(server.base, /· landskrona\.stodgrupper$/);
  const groups = await catalogue(leader);
  const gid = groups['Barn i familjer med missbruk'];
  const sid = await newSeries(leader, gid, 1);
  const accounts = (await citizens(server.base)).slice(0, 12);
  assert.equal(accounts.length, 12);
  const clients = await Promise.all(accounts.map((a) => loginAccount(server.base, a)));
  const pages = await Promise.all(clients.map(async (c) => c.csrfFrom(await (await c.get(`/stodgrupper/${gid}`)).text())));
  const results = await Promise.all(clients.map((c, i) => c.post(`/stodgrupper/serie/${sid}/anmal`, {
    csrf: pages[i], grupp: String(gid), namn: `Deltagare ${i}`, epost: `d${i}@example.com`, telefon: '', kommun: '1',
  })));
  const where = results.map((r) => r.headers.get('location'));
  assert.deepEqual(results.map((r) => r.status), Array(12).fill(303));
  assert.equal(where.filter((l) => l === '/mina-sidor/grupper?klart=anmald').length, 1, where.join());
  assert.equal(where.filter((l) => l === '/mina-sidor/grupper?klart=ko').length, 11);
  const winner = where.indexOf('/mina-sidor/grupper?klart=anmald');
  // The roster: one participant, eleven waiting.
  let roster = await (await leader.get(`/arbete/grupper/serie/${sid}`)).text();
  assert.match(roster, new RegExp(`Deltagare ${winner}<`));
  const waiting = [...roster.matchAll(/<li>(Deltagare \d+), /g)].map((m) => m[1]);
  assert.equal(waiting.length, 11);
  // The winner gives up the place: the first waiting moves up.
  const mine = await (await clients[winner].get('/mina-sidor/grupper')).text();
  const eid = new RegExp(`/mina-sidor/grupper/(\\d+)/avboka`).exec(mine)[1];
  const cancel = await clients[winner].post(`/mina-sidor/grupper/${eid}/avboka`, { csrf: clients[winner].csrfFrom(mine) });
  assert.equal(cancel.status, 303);
  roster = await (await leader.get(`/arbete/grupper/serie/${sid}`)).text();
  const first = Number(/Deltagare (\d+)/.exec(waiting[0])[1]);
  const table = roster.slice(roster.indexOf('<tbody>'), roster.indexOf('</tbody>'));
  assert.match(table, new RegExp(`${waiting[0]}<`));
  assert.doesNotMatch(table, new RegExp(`Deltagare ${winner}<`));
  const theirs = await (await clients[first].get('/mina-sidor/grupper')).text();
  assert.match(theirs, /Du har en plats/);
  const second = Number(/Deltagare (\d+)/.exec(waiting[1])[1]);
  assert.match(await (await clients[second].get('/mina-sidor/grupper')).text(), /Du står i kö, plats 1\./);
});

test('walls: another municipality sees no participants; the host reads each under the agreement, audited', async () => {
  const leader = await login(server.base, /· landskrona\.stodgrupper$/);
  const groups = await catalogue(leader);
  const sid = await leaderSeries(leader, groups['Separationsgrupp för barn']);
  for (const who of [/· helsingborg\.handlaggare$/, /· bjuv\.handlaggare$/, /· helsingborg\.familjefridscenter$/]) {
    const other = await login(server.base, who);
    const before = auditLastId();
    const res = await other.get(`/arbete/grupper/serie/${sid}`);
    assert.equal(res.status, 403, String(who));
    assert.doesNotMatch(await res.text(), /Bo Bjuvsson/);
    const rows = auditRows({ after: before });
    assert.ok(rows.some((r) => r.action === 'read_denied' && r.flagged), JSON.stringify(rows));
    assert.doesNotMatch(await (await other.get('/arbete/grupper')).text(), /Separationsgrupp/);
  }
  const before = auditLastId();
  const page = await (await leader.get(`/arbete/grupper/serie/${sid}`)).text();
  assert.match(page, /Bo Bjuvsson/);
  const reads = auditRows({ after: before }).filter((r) => r.action === 'read' && r.record_kind === 'group_enrolment');
  assert.ok(reads.length >= 1);
  for (const r of reads) {
    assert.equal(r.actor_kind, 'staff');
    assert.match(r.reason, new RegExp(`^enrolment ${r.record_id}, (own sign-up|consent)$`));
    assert.ok(r.agreement_id > 0);
  }
});

test('a case officer enrols the person of a case with consent; the host sees name and contact, never the case', async () => {
  const citizen = await loginAccount(server.base, await demoAccount(server.base));
  const caseId = Number(/(\d+)$/.exec(await demoCaseHref(citizen))[1]);
  const officer = await login(server.base, /· helsingborg\.handlaggare2$/);
  const form = await (await officer.get(`/arbete/arende/${caseId}/stodgrupp`)).text();
  assert.match(form, /Stödgrupp för barn som har levt med våld/);
  const sid = /value="(\d+)" id="serie-\d+"><label[^>]*>Stödgrupp för barn som har levt med våld/.exec(form)[1];
  // Without the consent confirmed: refused in words.
  const missing = await officer.post(`/arbete/arende/${caseId}/stodgrupp`, { csrf: officer.csrfFrom(form), serie: sid, samtycke_av: 'Personen själv' });
  assert.equal(missing.status, 400);
  assert.match(await missing.text(), /Bekräfta att personen har samtyckt/);
  const before = auditLastId();
  const res = await officer.post(`/arbete/arende/${caseId}/stodgrupp`, {
    csrf: officer.csrfFrom(form), serie: sid, samtycke_av: 'Personen själv', samtycke: '1' });
  assert.equal(res.status, 303);
  const rows = auditRows({ after: before });
  const disclose = rows.find((r) => r.action === 'disclose');
  assert.ok(disclose, JSON.stringify(rows));
  assert.match(disclose.reason, /^consent of Personen själv: name and contact to unit \d+ until \d+/);
  assert.ok(disclose.agreement_id > 0);
  // The host's roster: the person's name, nothing of the case.
  const leader = await login(server.base, /· landskrona\.stodgrupper$/);
  const roster = await (await leader.get(`/arbete/grupper/serie/${sid}`)).text();
  assert.match(roster, /via socialsekreterare/);
  const caseHtml = await (await officer.get(`/arbete/arende/${caseId}`)).text();
  const reference = /<h1[^>]*>[^<]*?(\S+)<\/h1>/.exec(caseHtml)[1];
  assert.ok(!roster.includes(reference), reference);
  assert.ok(!roster.includes(`/arbete/arende/${caseId}`));
  // The host cannot enrol from a case that is not theirs.
  const refused = await leader.post(`/arbete/arende/${caseId}/stodgrupp`, {
    csrf: leader.csrfFrom(roster), serie: sid, samtycke_av: 'X', samtycke: '1' });
  assert.equal(refused.status, 403);
});

test('the leader marks attendance and moves a session', async () => {
  const leader = await login(server.base, /· landskrona\.stodgrupper$/);
  const gid = (await catalogue(leader))['Separationsgrupp för barn'];
  const sid = await leaderSeries(leader, gid);
  let page = await (await leader.get(`/arbete/grupper/serie/${sid}`)).text();
  const session = /action="\/arbete\/grupper\/tillfalle\/(\d+)\/narvaro"/.exec(page)[1];
  const enrolment = /name="narvarande" value="(\d+)"/.exec(page)[1];
  const res = await leader.post(`/arbete/grupper/tillfalle/${session}/narvaro`, {
    csrf: leader.csrfFrom(page), serie: sid, narvarande: enrolment });
  assert.equal(res.status, 303);
  page = await (await leader.get(`/arbete/grupper/serie/${sid}?klart=narvaro`)).text();
  assert.match(page, /Närvaron är sparad/);
  assert.match(page, new RegExp(`value="${enrolment}" id="n-${session}-${enrolment}" checked`));
  // The group itself: changed by its leader, refused to anyone else.
  const list = await (await leader.get('/arbete/grupper')).text();
  const change = { csrf: leader.csrfFrom(list), titel: 'Separationsgrupp för barn', for: 'children',
    beskrivning: 'För barn 6–12 år vars föräldrar har separerat. Nu även på lördagar.', oppen: '1' };
  assert.equal((await leader.post(`/arbete/grupper/${gid}`, change)).status, 303);
  assert.match(await (await new Client(server.base).get(`/stodgrupper/${gid}`)).text(), /Nu även på lördagar/);
  assert.equal((await leader.post(`/arbete/grupper/${gid}`, { ...change, titel: ' ' })).status, 400);
  const other = await login(server.base, /· bjuv\.handlaggare2$/);
  const otherList = await (await other.get('/arbete/grupper')).text();
  assert.equal((await other.post(`/arbete/grupper/${gid}`, { ...change, csrf: other.csrfFrom(otherList), titel: 'Kapad' })).status, 403);
  assert.doesNotMatch(await (await new Client(server.base).get(`/stodgrupper/${gid}`)).text(), /Kapad/);
  const moved = await leader.post(`/arbete/grupper/tillfalle/${session}`, {
    csrf: leader.csrfFrom(page), serie: sid, datum: 'inte', tid: '17:00', minuter: '90', plats: 'X' });
  assert.equal(moved.status, 400);
  assert.match(await moved.text(), /Skriv datum/);
});
