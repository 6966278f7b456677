// The walls, from the outside: a case officer of Bjuv finds and reads Bjuv's
// people and is refused Helsingborg's (403, and the attempt is in the audit
// log); a protected address stays hidden; a citizen sees their own records
// and who has read them; logging out needs the CSRF token and ends the
// session. Through the development login, which is tested to stay off
// where it must.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
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

// A citizen account of a municipality, from the dev login list.
async function citizenOf(municipality, { protectedIdentity = false } = {}) {
  const { list } = await new Client(server.base).accounts();
  return list.find((a) => a.value.startsWith('citizen:') && a.label.includes(`, ${municipality}`) &&
    a.label.includes('skyddade') === protectedIdentity);
}

async function findPersonId(client, pnr) {
  const html = await (await client.get(`/arbete?pnr=${pnr}`)).text();
  return /href="\/arbete\/person\/(\d+)"/.exec(html)?.[1];
}

test('pages for staff and citizens send the logged-out to the login page', async () => {
  const c = new Client(server.base);
  for (const path of ['/arbete', '/mina-sidor', '/arbete/person/1']) {
    const r = await c.get(path);
    assert.equal(r.status, 303, path);
    assert.equal(r.headers.get('location'), `/login?next=${encodeURIComponent(path)}`);
  }
});

test('a Bjuv case officer reads Bjuv people, never Helsingborg people', async () => {
  const bjuvCitizen = (await citizenOf('Bjuv')).value.slice('citizen:'.length);
  const hbgCitizen = (await citizenOf('Helsingborg')).value.slice('citizen:'.length);
  const officer = new Client(server.base);
  await officer.loginAs(/bjuv\.handlaggare$/);

  const home = await officer.get('/arbete');
  assert.equal(home.status, 200);
  assert.match(await home.text(), /Handläggare/);

  const id = await findPersonId(officer, bjuvCitizen);
  assert.ok(id, 'the Bjuv citizen is found');
  const page = await officer.get(`/arbete/person/${id}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Att du har läst de här uppgifterna är loggat/);

  // Helsingborg's citizen: not found by search, refused by address.
  assert.equal(await findPersonId(officer, hbgCitizen), undefined);
  const admin = new Client(server.base);
  await admin.loginAs(/helsingborg\.handlaggare$/);
  const hbgId = await findPersonId(admin, hbgCitizen);
  assert.ok(hbgId);
  const refused = await officer.get(`/arbete/person/${hbgId}`);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /Du har inte behörighet/);

  // Both the read and the refused attempt are in the audit log, and the chain holds.
  const v = cli(['audit', 'verify']);
  assert.equal(v.status, 0, v.stderr);

  // A bad personnummer is said plainly.
  const bad = await (await officer.get('/arbete?pnr=19121212-1213')).text();
  assert.match(bad, /Personnumret stämmer inte/);
  assert.match(bad, /aria-invalid="true"/);
});

test('a protected address is hidden even in the own municipality', async () => {
  const prot = (await citizenOf('Bjuv', { protectedIdentity: true })).value.slice('citizen:'.length);
  const officer = new Client(server.base);
  await officer.loginAs(/bjuv\.handlaggare$/);
  const id = await findPersonId(officer, prot);
  const html = await (await officer.get(`/arbete/person/${id}`)).text();
  assert.match(html, /Skyddade personuppgifter/);
  assert.match(html, /Visas inte \(skyddade personuppgifter\)/);
  assert.doesNotMatch(html, /gatan \d+|vägen \d+/);
});

test('a citizen sees their own records and who has read them, and no staff page', async () => {
  const account = await citizenOf('Bjuv');
  const pnr = account.value.slice('citizen:'.length);
  const officer = new Client(server.base);
  await officer.loginAs(/bjuv\.handlaggare$/);
  const id = await findPersonId(officer, pnr);
  assert.equal((await officer.get(`/arbete/person/${id}`)).status, 200);

  const citizen = new Client(server.base);
  await citizen.loginAs(new RegExp(`^${account.value}$`));
  const html = await (await citizen.get('/mina-sidor')).text();
  assert.match(html, /Det här har socialtjänsten registrerat om dig/);
  assert.match(html, /<h3 class="ds-heading" data-size="sm">Bjuv<\/h3>/);
  assert.match(html, /<td>Bjuv<\/td><td>Barn och familj<\/td>/);
  assert.equal((await citizen.get('/arbete')).status, 403);
});

test('logging out needs the form token, and ends the session', async () => {
  const c = new Client(server.base);
  await c.loginAs(/klippan\.teamledare$/);
  const html = await (await c.get('/arbete')).text();
  const csrf = c.csrfFrom(html);
  assert.ok(csrf);
  const session = c.cookies.get('nara_session');
  assert.equal((await c.post('/logout', { csrf: 'x'.repeat(43) })).status, 403);
  assert.equal((await c.post('/logout', {})).status, 403);
  assert.equal((await c.get('/arbete')).status, 200, 'still logged in after refused logouts');
  const out = await c.post('/logout', { csrf });
  assert.equal(out.status, 303);
  assert.equal(c.cookies.get('nara_session'), undefined);
  // The old token is dead even if someone kept it.
  const replay = await fetch(`${server.base}/arbete`, { redirect: 'manual', headers: { Cookie: `nara_session=${session}` } });
  assert.equal(replay.status, 303);
});

test('a person sees their own logins and ends one of them', async () => {
  const phone = new Client(server.base);
  await phone.loginAs(/hoganas\.handlaggare$/);
  const desk = new Client(server.base);
  await desk.loginAs(/hoganas\.handlaggare$/);
  const page = await (await desk.get('/konto/inloggningar')).text();
  const ids = [...page.matchAll(/name="id" value="([0-9a-f]{16})"/g)].map((m) => m[1]);
  assert.ok(ids.length >= 1, 'the other login is listed with an end button');
  assert.match(page, /\(den här\)/);
  const csrf = desk.csrfFrom(page);
  assert.equal((await desk.post('/konto/inloggningar', { csrf: 'x'.repeat(43), id: ids[0] })).status, 403);
  assert.equal((await desk.post('/konto/inloggningar', { csrf, id: '0123456789abcdef' })).status, 404);
  for (const id of ids) assert.equal((await desk.post('/konto/inloggningar', { csrf, id })).status, 303);
  assert.equal((await phone.get('/arbete')).status, 303, 'the ended login is logged out');
  assert.equal((await desk.get('/arbete')).status, 200, 'this login goes on');
  // Another person cannot end them: a citizen's list never shows staff logins.
  const citizen = new Client(server.base);
  await citizen.loginAs(/, Höganäs$/);
  const theirs = await (await citizen.get('/konto/inloggningar')).text();
  assert.equal([...theirs.matchAll(/name="id"/g)].length, 0);
});

test('the login form refuses a missing or forged CSRF token', async () => {
  const c = new Client(server.base);
  const { list } = await c.accounts();
  assert.equal((await c.post('/login/dev', { csrf: 'forged', account: list[0].value })).status, 403);
  const fresh = new Client(server.base);
  assert.equal((await fresh.post('/login/dev', { account: list[0].value })).status, 403);
  assert.equal((await c.post('/login/dev', { csrf: c.cookies.get('nara_pre'), account: 'staff:999999' })).status, 403);
  assert.equal((await c.post('/login/dev', { csrf: c.cookies.get('nara_pre'), account: 'citizen:19121212-1213' })).status, 400);
  // Session cookies are HttpOnly and SameSite=Lax.
  const ok = await c.post('/login/dev', { csrf: c.cookies.get('nara_pre'), account: list[0].value });
  assert.match(ok.headers.getSetCookie().find((s) => s.startsWith('nara_session=')), /HttpOnly; SameSite=Lax/);
});

test('the security officer reviews their own municipality\'s log, flagged attempts included', async () => {
  // A Bjuv officer tries a Helsingborg person: Helsingborg's log shows it, flagged.
  const { list } = await new Client(server.base).accounts();
  const hbgCitizen = list.find((a) => a.value.startsWith('citizen:') && a.label.endsWith(', Helsingborg')).value.slice(8);
  const hbg = new Client(server.base);
  await hbg.loginAs(/helsingborg\.handlaggare$/);
  const hbgId = /person\/(\d+)/.exec(await (await hbg.get(`/arbete?pnr=${hbgCitizen}`)).text())[1];
  assert.equal((await hbg.get(`/arbete/person/${hbgId}`)).status, 200);
  const bjuv = new Client(server.base);
  await bjuv.loginAs(/bjuv\.handlaggare$/);
  assert.equal((await bjuv.get(`/arbete/person/${hbgId}`)).status, 403);
  assert.equal((await bjuv.get('/arbete/granskning')).status, 403, 'a case officer may not review');

  const sec = new Client(server.base);
  await sec.loginAs(/helsingborg\.sakerhet$/);
  assert.match(await (await sec.get('/arbete')).text(), /href="\/arbete\/granskning"/);
  const flagged = await (await sec.get('/arbete/granskning?flagged=1')).text();
  assert.match(flagged, /bjuv\.handlaggare\)<\/td><td>read_denied <strong>\(flaggad\)<\/strong>/);
  assert.match(flagged, /another municipality&#39;s record/);
  const byPerson = await (await sec.get(`/arbete/granskning?pnr=${hbgCitizen}`)).text();
  assert.match(byPerson, /<td>read<\/td>/);
  assert.match((await (await sec.get('/arbete/granskning?pnr=123')).text()), /Personnumret stämmer inte/);
  assert.match((await (await sec.get('/arbete/granskning?from=2026-13-45')).text()), /Datumet kunde inte läsas/);

  // Bjuv's security officer sees Bjuv's log only: none of the Helsingborg
  // officer's reads of Helsingborg's people (shown in Helsingborg's log
  // above). An attempt of theirs on a Bjuv person would belong here, and
  // the browser tests (which run first) make one, so only reads are looked for.
  const bsec = new Client(server.base);
  await bsec.loginAs(/bjuv\.sakerhet$/);
  const bjuvLog = await (await bsec.get('/arbete/granskning?user=helsingborg.handlaggare')).text();
  assert.doesNotMatch(bjuvLog, /\(helsingborg\.handlaggare\)<\/td><td>read</);
  assert.match(await (await sec.get('/arbete/granskning?user=helsingborg.handlaggare')).text(),
    /\(helsingborg\.handlaggare\)<\/td><td>read</);

  // The month's review is recorded once, in a form with its token.
  const page = await (await sec.get('/arbete/granskning')).text();
  const csrf = sec.csrfFrom(page);
  assert.equal((await sec.post('/arbete/granskning', { csrf: 'x'.repeat(43), month: '2026-10' })).status, 403);
  const done = await sec.post('/arbete/granskning', { csrf, month: '2026-10', note: 'Inga avvikelser' });
  assert.equal(done.status, 303);
  assert.match(await (await sec.get('/arbete/granskning')).text(), /2026-10: [^<]*Inga avvikelser/);
  const again = await sec.post('/arbete/granskning', { csrf, month: '2026-10' });
  assert.equal(again.status, 400);
  assert.match(await again.text(), /redan registrerad/);
  const bad = await sec.post('/arbete/granskning', { csrf, month: 'oktober' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Skriv månaden som ÅÅÅÅ-MM/);
  assert.equal(cli(['audit', 'verify']).status, 0);
});

test('the development login is off unless asked for, and never off loopback', async () => {
  const plain = await startServer();
  try {
    assert.equal((await fetch(`${plain.base}/login/dev`, { method: 'POST', body: 'account=staff:1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status, 404);
    const html = await (await fetch(`${plain.base}/login`)).text();
    assert.doesNotMatch(html, /Utvecklingsinloggning/);
  } finally {
    await stopServer(plain);
  }
  const r = cli(['serve', '--listen', '0.0.0.0:0'], { NARA_DEV_LOGIN: '1' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /NARA_DEV_LOGIN=1 is only allowed when listening on loopback/);
});
