// Local accounts over plain HTTP: the password form's answers (a wrong
// password and an unknown user alike, word for word), a new session at
// login, the CSRF double submit, the lockout after five failures with its
// audit rows as the security officer sees them, TOTP required after the
// password and a replayed code refused, the operator's reset, and the
// server refusing to start without the key that sealed the TOTP secrets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { LocalClient, PASSWORD, addLocalUser, freshStep, totp, uniqueName } from '../lib/local.mjs';

let server;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

// Bjuv's security officer's view of the audit log, for one user name.
async function auditOf(username, { flagged = false } = {}) {
  const sec = new Client(server.base);
  await sec.loginAs(/bjuv\.sakerhet$/);
  const html = await (await sec.get(`/arbete/granskning?user=${encodeURIComponent(username)}${flagged ? '&flagged=1' : ''}`)).text();
  return [...html.matchAll(/<tr[^>]*><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)(?: <strong>\(flaggad\)<\/strong>)?<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><\/tr>/g)]
    .map((m) => ({ actor: m[1], action: m[2], reason: m[3], flagged: m[0].includes('(flaggad)') }));
}

// The local login form's part of the page, without what differs on every
// request (the token) and the name typed. (The rest of the page lists the
// development login's accounts, new ones among them.)
const normalise = (html, username) => {
  const section = /<section aria-labelledby="local">[\s\S]*?<\/section>/.exec(html)?.[0];
  assert.ok(section, 'the page has the local login form');
  return section.replace(/value="[A-Za-z0-9_-]{43}"/g, 'value="TOKEN"').replaceAll(username, 'USER');
};

test('a wrong password and an unknown user get the same answer, and no session', async () => {
  const username = uniqueName('bjuv.lokal');
  addLocalUser({ username });
  const c = new LocalClient(server.base);
  const wrong = await c.loginLocal(username, 'fel lösenord alltså');
  assert.equal(wrong.status, 400);
  const wrongHtml = await wrong.text();
  assert.match(wrongHtml, /Användarnamnet eller lösenordet stämmer inte/);
  const unknownName = uniqueName('ingen.alls');
  const unknown = await c.loginLocal(unknownName, 'fel lösenord alltså');
  assert.equal(unknown.status, 400);
  const unknownHtml = await unknown.text();
  assert.equal(normalise(unknownHtml, unknownName), normalise(wrongHtml, username));
  assert.equal(c.cookies.get('nara_session'), undefined);
  assert.equal((await c.get('/arbete')).status, 303);
  // Both are in the audit log: the known account's in Bjuv's review.
  const rows = await auditOf(username);
  assert.ok(rows.some((r) => r.action === 'login_failed' && r.reason === 'password'), JSON.stringify(rows));
});

test('the right password logs in with a new session id, and goes to next', async () => {
  const username = uniqueName('bjuv.lokal');
  addLocalUser({ username });
  const c = new LocalClient(server.base);
  c.cookies.set('nara_session', 'x'.repeat(43));
  const r = await c.loginLocal(username, PASSWORD, { next: '/konto/inloggningar' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/konto/inloggningar');
  const session = c.cookies.get('nara_session');
  assert.ok(session && session !== 'x'.repeat(43));
  assert.match(r.headers.getSetCookie().find((s) => s.startsWith('nara_session=')), /HttpOnly; SameSite=Lax/);
  assert.equal(c.cookies.get('nara_pre'), undefined, 'the pre-login token is spent');
  assert.equal((await c.get('/arbete')).status, 200);
  // A second login is a second session; another site as next is refused.
  const again = new LocalClient(server.base);
  const r2 = await again.loginLocal(username, PASSWORD, { next: '//evil.example/' });
  assert.equal(r2.headers.get('location'), '/arbete');
  assert.notEqual(again.cookies.get('nara_session'), session);
  const rows = await auditOf('staff ');
  assert.ok(rows.some((row) => row.action === 'login' && row.reason === 'local'));
});

test('the password form needs its CSRF token', async () => {
  const username = uniqueName('bjuv.lokal');
  addLocalUser({ username });
  const fresh = new LocalClient(server.base);
  // No cookie, no field.
  assert.equal((await fresh.post('/login/local', { username, password: PASSWORD })).status, 403);
  // The field without the cookie, and a cookie that is not the field's.
  const c = new LocalClient(server.base);
  const csrf = c.csrfFrom(await (await c.get('/login')).text());
  assert.equal((await fresh.post('/login/local', { csrf, username, password: PASSWORD })).status, 403);
  assert.equal((await c.post('/login/local', { csrf: 'y'.repeat(43), username, password: PASSWORD })).status, 403);
  assert.equal((await c.post('/login/local', { username, password: PASSWORD })).status, 403);
  assert.equal(c.cookies.get('nara_session'), undefined);
  // With both, in.
  assert.equal((await c.post('/login/local', { csrf, username, password: PASSWORD })).status, 303);
});

test('five failures in a row lock the account for fifteen minutes, audited and flagged', async () => {
  const username = uniqueName('bjuv.lokal');
  addLocalUser({ username });
  const c = new LocalClient(server.base);
  for (let i = 1; i < 5; i++) {
    const r = await c.loginLocal(username, `fel nummer ${i}`);
    assert.equal(r.status, 400, `attempt ${i}`);
  }
  const fifth = await c.loginLocal(username, 'fel nummer 5');
  assert.equal(fifth.status, 429);
  const retry = Number(fifth.headers.get('retry-after'));
  assert.ok(retry > 880 && retry <= 900, `Retry-After ${retry}`);
  const text = await fifth.text();
  assert.match(text, /Kontot är låst/);
  assert.match(text, /låst i 15 minuter till/);
  assert.match(text, /Du kan försöka igen klockan \d\d:\d\d/);
  // The right password now gets the very same answer, and no session.
  const right = await c.loginLocal(username, PASSWORD);
  assert.equal(right.status, 429);
  assert.equal(normalise(await right.text(), username), normalise(text, username));
  assert.equal(c.cookies.get('nara_session'), undefined);

  const rows = await auditOf(username);
  assert.equal(rows.filter((r) => r.action === 'login_failed' && r.reason === 'password').length, 4);
  assert.equal(rows.filter((r) => r.action === 'login_failed' && r.reason === 'locked').length, 1);
  const locked = rows.filter((r) => r.action === 'login_locked');
  assert.equal(locked.length, 1);
  assert.equal(locked[0].flagged, true);
  assert.match(locked[0].reason, /5 failures in a row \(password\)/);
  assert.ok((await auditOf(username, { flagged: true })).some((r) => r.action === 'login_locked'));
  assert.equal(cli(['audit', 'verify']).status, 0);

  // The operator's new password lifts the lock at once.
  assert.equal(cli(['user', 'password', username], {}, 'ett annat långt lösenord\n').status, 0);
  assert.equal((await c.loginLocal(username, 'ett annat långt lösenord')).status, 303);
});

test('TOTP: the code is required after the password, and a replayed code is refused', async () => {
  const username = uniqueName('bjuv.lokal');
  addLocalUser({ username });
  const c = new LocalClient(server.base);
  assert.equal((await c.loginLocal(username, PASSWORD)).status, 303);
  const { secret, step } = await c.enrol();
  const on = await (await c.get('/konto/tvastegsverifiering?klart=pa')).text();
  assert.match(on, /Tvåstegsverifiering är på/);
  assert.doesNotMatch(on, /totp-secret/, 'the secret is not shown once it is on');
  await c.logout();

  // The password alone: on to the code, no session yet.
  const first = await c.loginLocal(username, PASSWORD);
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/login/kod');
  assert.equal(c.cookies.get('nara_session'), undefined);
  assert.equal((await c.get('/arbete')).status, 303);
  // The code form's token is checked.
  assert.equal((await c.post('/login/kod', { csrf: 'z'.repeat(43), code: '123456' })).status, 403);
  // The code that confirmed the set-up has been used: refused.
  const replay = await c.submitCode(totp(secret, step));
  assert.equal(replay.status, 400);
  assert.match(await replay.text(), /Koden stämmer inte, eller så har den redan använts/);
  // A fresh one logs in.
  const next = freshStep(step);
  const ok = await c.submitCode(totp(secret, next));
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/arbete');
  assert.ok(c.cookies.get('nara_session'));
  assert.equal((await c.get('/arbete')).status, 200);
  await c.logout();

  // Seen over a shoulder: the same code again, in a new login, is refused.
  assert.equal((await c.loginLocal(username, PASSWORD)).status, 303);
  const again = await c.submitCode(totp(secret, next));
  assert.equal(again.status, 400);
  assert.equal(c.cookies.get('nara_session'), undefined);
  // Without the challenge cookie, the code page says to start again.
  const lost = new LocalClient(server.base);
  const expired = await lost.get('/login/kod');
  assert.match(await expired.text(), /Tiden för att skriva in koden tog slut/);

  const rows = await auditOf(username);
  assert.ok(rows.some((r) => r.action === 'totp_on'));
  assert.equal(rows.filter((r) => r.action === 'login_password_ok').length, 2);
  assert.equal(rows.filter((r) => r.action === 'login_failed' && r.reason === 'code').length, 2);
  assert.equal(cli(['audit', 'verify']).status, 0);

  // A server without the key, or with another, refuses to start.
  const noKey = cli(['serve', '--listen', '127.0.0.1:0'], { NARA_SECRET_KEY: '' });
  assert.equal(noKey.status, 2);
  assert.match(noKey.stderr, /cannot start without the master key/);
  const otherKey = cli(['serve', '--listen', '127.0.0.1:0'], { NARA_SECRET_KEY: 'ff'.repeat(32) });
  assert.equal(otherKey.status, 2);
  assert.match(otherKey.stderr, /NARA_SECRET_KEY is not the key that sealed/);
  const badKey = cli(['serve', '--listen', '127.0.0.1:0'], { NARA_SECRET_KEY: 'hemligt' });
  assert.equal(badKey.status, 2);
  assert.match(badKey.stderr, /NARA_SECRET_KEY must hold 32 bytes/);

  // The operator turns TOTP off (a lost phone): the password is enough.
  const reset = cli(['user', 'reset-totp', username]);
  assert.equal(reset.status, 0, reset.stderr);
  const r = await c.loginLocal(username, PASSWORD);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/arbete');
});

test('turning TOTP off needs a right code', async () => {
  const username = uniqueName('bjuv.lokal');
  addLocalUser({ username });
  const c = new LocalClient(server.base);
  await c.loginLocal(username, PASSWORD);
  const { secret, step } = await c.enrol();
  const page = await (await c.get('/konto/tvastegsverifiering')).text();
  const csrf = c.csrfFrom(page);
  const wrong = await c.post('/konto/tvastegsverifiering', { csrf, action: 'off', code: totp(secret, step) });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /Koden stämmer inte/);
  assert.equal((await c.post('/konto/tvastegsverifiering', { csrf: 'q'.repeat(43), action: 'off', code: '000000' })).status, 403);
  const off = await c.post('/konto/tvastegsverifiering', { csrf, action: 'off', code: totp(secret, freshStep(step)) });
  assert.equal(off.status, 303);
  assert.match(await (await c.get(off.headers.get('location'))).text(), /Tvåstegsverifiering är avstängd/);
  assert.ok((await auditOf(username)).some((r) => r.action === 'totp_off'));
});

test('staff who log in elsewhere are told two-step verification is handled there', async () => {
  const c = new Client(server.base);
  await c.loginAs(/bjuv\.handlaggare$/);
  const html = await (await c.get('/konto/tvastegsverifiering')).text();
  assert.match(html, /Tvåstegsverifiering sköts där, inte i Nära/);
  const citizen = new Client(server.base);
  await citizen.loginAs(/, Bjuv$/);
  assert.equal((await citizen.get('/konto/tvastegsverifiering')).status, 403);
  const nobody = new Client(server.base);
  assert.equal((await nobody.get('/konto/tvastegsverifiering')).status, 303);
});
