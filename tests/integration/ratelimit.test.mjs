// Rate limits from the outside: hammering the login gets 429 with a
// Swedish (or English) page that says when to try again and a Retry-After
// header, then works again once the time has passed; logging out shares
// the login's bucket, forms have their own; X-Forwarded-For changes
// nothing unless it comes from NARA_TRUSTED_PROXY, and then only its last
// entry counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const servers = [];
before(() => prepareDatabase());
after(async () => {
  for (const s of servers) {
    const r = await stopServer(s);
    assert.equal(r.code, 0, s.stderr.slice(-3000));
  }
});

async function start(env) {
  const s = await startServer({ NARA_DEV_LOGIN: '1', ...env });
  servers.push(s);
  return s;
}

// A login attempt without a session or token: refused (403) unless limited (429).
function attempt(server, headers = {}, path = '/login/dev') {
  return fetch(`${server.base}${path}`, {
    method: 'POST', redirect: 'manual', body: 'account=staff:1',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'sv', ...headers },
  });
}

test('hammering the login: 429 with when to try again, then it works again', async () => {
  const server = await start({ NARA_RATE_LOGIN: '3/3' });
  for (let i = 0; i < 3; i++) assert.equal((await attempt(server)).status, 403, `attempt ${i + 1} is let through`);
  let limited;
  for (let i = 0; i < 20 && !limited; i++) {
    const r = await attempt(server);
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 403);
  }
  assert.ok(limited, 'the limit was reached');
  assert.equal(limited.headers.get('retry-after'), '1');
  const html = await limited.text();
  assert.match(html, /<html lang="sv"/);
  assert.match(html, /<h1[^>]*>För många försök<\/h1>/);
  assert.match(html, /Vänta en sekund och försök sedan igen/);

  // Logging out counts against the same bucket; the login page itself does not.
  assert.equal((await attempt(server, {}, '/logout')).status, 429);
  assert.equal((await fetch(`${server.base}/login`)).status, 200);
  // Inventing a forwarded address does not help: no proxy is trusted.
  assert.equal((await attempt(server, { 'X-Forwarded-For': '203.0.113.77' })).status, 429);
  const en = await attempt(server, { 'Accept-Language': 'en' });
  assert.equal(en.status, 429);
  assert.match(await en.text(), /Wait one second and then try again/);

  // After Retry-After, a real login goes through.
  await sleep(1100);
  const c = new Client(server.base);
  await c.loginAs(/ · bjuv\.handlaggare$/);
  assert.equal((await c.get('/arbete')).status, 200);
});

test('behind a trusted proxy each forwarded client has its own bucket', async () => {
  const server = await start({ NARA_RATE_LOGIN: '2/60', NARA_RATE_FORM: '2/60', NARA_TRUSTED_PROXY: '127.0.0.1' });
  const from = (ip) => ({ 'X-Forwarded-For': ip });
  assert.equal((await attempt(server, from('203.0.113.1'))).status, 403);
  assert.equal((await attempt(server, from('203.0.113.1'))).status, 403);
  const limited = await attempt(server, from('203.0.113.1'));
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '30');
  assert.match(await limited.text(), /Vänta 30 sekunder och försök sedan igen/);
  // Only the entry the proxy added counts: what the client put before it does not.
  assert.equal((await attempt(server, from('198.51.100.9, 203.0.113.1'))).status, 429);
  assert.equal((await attempt(server, from('203.0.113.1, 203.0.113.2'))).status, 403);
  assert.equal((await attempt(server, from('203.0.113.2'))).status, 403);
  assert.equal((await attempt(server, from('203.0.113.2'))).status, 429);
  // An IPv6 client counts per /64.
  assert.equal((await attempt(server, from('2001:db8:5:6::1'))).status, 403);
  assert.equal((await attempt(server, from('2001:db8:5:6::2'))).status, 403);
  assert.equal((await attempt(server, from('2001:db8:5:6:ffff::3'))).status, 429);
  // Forms have a bucket of their own.
  const form = (ip) => attempt(server, from(ip), '/konto/inloggningar');
  assert.equal((await form('203.0.113.1')).status, 403);
  assert.equal((await form('203.0.113.1')).status, 403);
  assert.equal((await form('203.0.113.1')).status, 429);
});
