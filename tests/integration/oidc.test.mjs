// Logging in through real OpenID Connect providers by plain HTTP, as a
// browser without JavaScript would: the citizens' e-ID broker and the
// staff's identity provider, each its own process (tests/lib/oidc.mjs).
// What must be refused is refused: a replayed callback, a replayed code
// with a fresh state, a wrong state, a missing cookie, a response naming
// another issuer, a staff login nobody is linked to, a citizen without a
// valid personnummer. The audit log has the logins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, freePort, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { HttpBrowser, identityProviders } from '../lib/oidc.mjs';

let server, idp;
before(async () => {
  prepareDatabase();
  idp = await identityProviders();
  server = await startServer({ ...idp.env, NARA_DEV_LOGIN: '1' });
  await idp.start(server.base);
});
after(async () => {
  await idp?.stop();
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

// A demo citizen's personnummer (from the development login's list).
async function citizenOf(municipality) {
  const { list } = await new Client(server.base).accounts();
  return list.find((a) => a.value.startsWith('citizen:') && a.label.endsWith(`, ${municipality}`))
    .value.slice('citizen:'.length);
}

const h1 = async (res) => /<h1[^>]*>([^<]*)<\/h1>/.exec(await res.text())?.[1];

test('the login page offers both ways in, and the start pages send the browser to the right provider', async () => {
  const html = await (await fetch(`${server.base}/login?next=/arbete`)).text();
  assert.match(html, /href="\/auth\/citizen\/start\?next=%2Farbete">Logga in med e-legitimation</);
  assert.match(html, /href="\/auth\/staff\/start\?next=%2Farbete">Logga in som medarbetare</);
  for (const [kind, provider] of [['citizen', idp.citizen], ['staff', idp.staff]]) {
    const r = await fetch(`${server.base}/auth/${kind}/start`, { redirect: 'manual' });
    assert.equal(r.status, 303);
    const to = new URL(r.headers.get('location'));
    assert.equal(to.origin, provider.issuer);
    assert.equal(to.searchParams.get('client_id'), provider.clientId);
    assert.equal(to.searchParams.get('redirect_uri'), `${server.base}/auth/callback`);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.match(to.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(to.searchParams.get('state'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(to.searchParams.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('nara_oidc='));
    assert.match(cookie, /Max-Age=600; Path=\/; HttpOnly; SameSite=Lax/);
  }
});

test('a citizen logs in with e-ID, lands on their pages, with a new session and no pre-login cookie', async () => {
  const pnr = await citizenOf('Bjuv');
  const b = new HttpBrowser();
  await b.get(`${server.base}/login`); // the dev login's pre-login cookie
  assert.ok(b.cookies.get('nara_pre'));
  const res = await b.login(server.base, 'citizen', pnr);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/mina-sidor');
  const set = res.headers.getSetCookie();
  assert.match(set.find((c) => c.startsWith('nara_session=')), /HttpOnly; SameSite=Lax/);
  assert.ok(set.some((c) => /^nara_pre=; Max-Age=0/.test(c)), 'the pre-login cookie is cleared');
  assert.ok(set.some((c) => /^nara_oidc=; Max-Age=0/.test(c)), 'the binding cookie is cleared');
  const page = await b.get(`${server.base}/mina-sidor`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<h1 class="ds-heading" data-size="lg">Mina sidor<\/h1>/);
  assert.match(html, /<h3 class="ds-heading" data-size="sm">Bjuv<\/h3>/);

  // A second login from the same browser replaces the first session.
  const first = b.cookies.get('nara_session');
  assert.equal((await b.login(server.base, 'citizen', pnr)).status, 303);
  assert.notEqual(b.cookies.get('nara_session'), first);
  const old = await fetch(`${server.base}/mina-sidor`, { redirect: 'manual', headers: { Cookie: `nara_session=${first}` } });
  assert.equal(old.status, 303, 'the session from before the new login has ended');
});

test('the login comes back to where it began', async () => {
  const b = new HttpBrowser();
  const res = await b.login(server.base, 'citizen', await citizenOf('Klippan'), { next: '/konto/inloggningar' });
  assert.equal(res.headers.get('location'), '/konto/inloggningar');
  // Never to another site.
  const evil = await b.login(server.base, 'citizen', await citizenOf('Klippan'), { next: '//evil.example/' });
  assert.equal(evil.headers.get('location'), '/mina-sidor');
});

test('a replayed callback and a replayed code are refused', async () => {
  const pnr = await citizenOf('Höganäs');
  const b = new HttpBrowser();
  const callback = await b.authorize(server.base, 'citizen', pnr);
  assert.equal((await b.get(callback)).status, 303);
  const session = b.cookies.get('nara_session');

  // The same callback again: the login it belonged to is used up.
  const again = await b.get(callback);
  assert.equal(again.status, 400);
  assert.equal(await h1(again), 'Inloggningen kunde inte slutföras');
  assert.equal(b.cookies.get('nara_session'), session, 'no new session');

  // The old code with a fresh login's state: the provider refuses the code.
  const code = new URL(callback).searchParams.get('code');
  const fresh = new HttpBrowser();
  const next = new URL(await fresh.authorize(server.base, 'citizen', pnr));
  next.searchParams.set('code', code);
  const replayed = await fresh.get(next.href);
  assert.equal(replayed.status, 403);
  assert.equal(await h1(replayed), 'Vi kunde inte godkänna inloggningen');
  assert.equal(fresh.cookies.get('nara_session'), undefined);
});

test('a wrong state, a missing cookie or another issuer in the response logs nobody in', async () => {
  const pnr = await citizenOf('Åstorp');
  const b = new HttpBrowser();
  const callback = new URL(await b.authorize(server.base, 'citizen', pnr));

  const wrong = new URL(callback);
  wrong.searchParams.set('state', 'x'.repeat(43));
  const r1 = await b.get(wrong.href);
  assert.equal(r1.status, 400);
  assert.equal(await h1(r1), 'Inloggningen kunde inte slutföras');
  const missing = new URL(callback);
  missing.searchParams.delete('state');
  assert.equal((await b.get(missing.href)).status, 400);

  // The right URL from a browser without the cookie that started it.
  const other = new HttpBrowser();
  const r2 = await other.get(callback.href);
  assert.equal(r2.status, 400);
  assert.equal(other.cookies.get('nara_session'), undefined);

  // None of that used up the real login: its own browser finishes it.
  const ok = await b.get(callback.href);
  assert.equal(ok.status, 303);
  assert.ok(b.cookies.get('nara_session'));

  // A response that names the staff provider as its issuer (RFC 9207).
  const c = new HttpBrowser();
  const mixed = new URL(await c.authorize(server.base, 'citizen', pnr));
  mixed.searchParams.set('iss', idp.staff.issuer);
  const r3 = await c.get(mixed.href);
  assert.equal(r3.status, 403);
  assert.equal(c.cookies.get('nara_session'), undefined);
});

test('a citizen who stops at the provider is told so', async () => {
  const b = new HttpBrowser();
  const callback = await b.authorize(server.base, 'citizen', 'x', { abort: true });
  assert.equal(new URL(callback).searchParams.get('error'), 'access_denied');
  const res = await b.get(callback);
  assert.equal(res.status, 400);
  assert.equal(await h1(res), 'Inloggningen avbröts');
});

test('a citizen without a valid personnummer in the e-ID gets a clear page', async () => {
  for (const user of ['utan-personnummer', '191212121213']) {
    const b = new HttpBrowser();
    const res = await b.login(server.base, 'citizen', user);
    assert.equal(res.status, 403, user);
    const html = await res.text();
    assert.match(html, /Vi kunde inte läsa ditt personnummer/);
    assert.match(html, /ring socialtjänsten i din kommun/);
    assert.equal(b.cookies.get('nara_session'), undefined);
  }
});

test('staff log in when linked with nara user link, and are told whom to ask when not', async () => {
  const unknown = new HttpBrowser();
  const refused = await unknown.login(server.base, 'staff', 'int-okand-person');
  assert.equal(refused.status, 403);
  const html = await refused.text();
  assert.match(html, /Ditt konto är inte upplagt i Nära/);
  assert.match(html, /Kontakta den som sköter behörigheter till Nära i din kommun/);
  assert.match(html, /<code>int-okand-person<\/code>/);
  assert.ok(html.includes(`<code>${idp.staff.issuer}</code>`));

  // The CLI: help, refusals, then the link.
  const help = cli(['user', 'link', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /nara user link USERNAME --issuer URL --subject SUB/);
  assert.equal(cli(['user', 'link', 'ingen.alls', '--issuer', idp.staff.issuer, '--subject', 's']).status, 1);
  const insecure = cli(['user', 'link', 'bjuv.handlaggare', '--issuer', 'http://idp.example.se', '--subject', 's']);
  assert.equal(insecure.status, 1);
  assert.match(insecure.stderr, /https/);
  assert.equal(cli(['user', 'link', 'bjuv.handlaggare']).status, 2);
  for (const [user, sub] of [['bjuv.handlaggare', 'int-bjuv-hl'], ['bjuv.sakerhet', 'int-bjuv-sak']]) {
    const r = cli(['user', 'link', user, '--issuer', idp.staff.issuer, '--subject', sub]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`linked ${user.replace('.', '\\.')} \\(id \\d+\\)`));
  }
  // Two accounts never share one login.
  const taken = cli(['user', 'link', 'bjuv.sakerhet', '--issuer', idp.staff.issuer, '--subject', 'int-bjuv-hl']);
  assert.equal(taken.status, 1);
  assert.match(taken.stderr, /already linked/);

  const officer = new HttpBrowser();
  const res = await officer.login(server.base, 'staff', 'int-bjuv-hl');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/arbete');
  const work = await officer.get(`${server.base}/arbete`);
  assert.equal(work.status, 200);
  assert.match(await work.text(), /Handläggare/);
  // A staff session is no citizen session.
  assert.equal((await officer.get(`${server.base}/mina-sidor`)).status, 403);

  // The security officer sees the logins through e-ID in Bjuv's log.
  const sec = new HttpBrowser();
  assert.equal((await sec.login(server.base, 'staff', 'int-bjuv-sak')).status, 303);
  const log = await (await sec.get(`${server.base}/arbete/granskning`)).text();
  assert.match(log, /<td>login<\/td><td>[^<]*<\/td><td>oidc<\/td>/);
  assert.match(log, /<td>link_login<\/td>/);
  const v = cli(['audit', 'verify']);
  assert.equal(v.status, 0, v.stderr);
});

test('without the providers configured the ways in are off, and an unreachable provider is said plainly', async () => {
  const plain = await startServer();
  try {
    const html = await (await fetch(`${plain.base}/login`)).text();
    assert.doesNotMatch(html, /\/auth\/citizen\/start/);
    assert.match(html, /Den här inloggningen är inte påslagen/);
    assert.equal((await fetch(`${plain.base}/auth/staff/start`, { redirect: 'manual' })).status, 404);
  } finally {
    await stopServer(plain);
  }
  const closed = await freePort();
  const down = await startServer({
    NARA_OIDC_CITIZEN_ISSUER: `http://127.0.0.1:${closed}`,
    NARA_OIDC_CITIZEN_CLIENT_ID: 'x',
    NARA_OIDC_CITIZEN_CLIENT_SECRET: 'y',
  });
  try {
    const res = await fetch(`${down.base}/auth/citizen/start`, { redirect: 'manual', headers: { 'Accept-Language': 'sv' } });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '30');
    assert.match(await res.text(), /Inloggningstjänsten svarar inte/);
    // The loop was never blocked: other pages answer at once meanwhile.
    assert.equal((await fetch(`${down.base}/healthz`)).status, 200);
  } finally {
    const r = await stopServer(down);
    assert.equal(r.code, 0, down.stderr.slice(-2000));
  }
  // A configuration that cannot work stops the server at start.
  for (const [env, message] of [
    [{ NARA_OIDC_STAFF_ISSUER: 'http://idp.example.se', NARA_OIDC_STAFF_CLIENT_ID: 'a', NARA_OIDC_STAFF_CLIENT_SECRET: 'b' }, /must be an https:\/\/ URL/],
    [{ NARA_OIDC_STAFF_ISSUER: 'https://idp.example.se' }, /must be set together/],
  ]) {
    const r = cli(['serve', '--listen', '127.0.0.1:0'], env);
    assert.equal(r.status, 2);
    assert.match(r.stderr, message);
  }
});
