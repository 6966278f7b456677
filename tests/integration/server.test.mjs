// The server from the outside, as a browser, an operator and an attacker
// see it: pages, headers, languages, errors for bad input, health and
// metrics. Runs against SQLite and PostgreSQL (scripts/test.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE, prepareDatabase, startServer, stopServer, rawRequest } from '../lib/nara.mjs';

let server;
before(async () => {
  prepareDatabase();
  server = await startServer();
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, `nara exited with ${JSON.stringify(r)}:\n${server.stderr.slice(-3000)}`);
});

const get = (path, init) => fetch(server.base + path, { redirect: 'manual', ...init });

test('the start page lists the eleven municipalities, in Swedish by default', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(html, /<html lang="sv"/);
  for (const name of ['Bjuv', 'Båstad', 'Helsingborg', 'Höganäs', 'Klippan', 'Landskrona',
    'Perstorp', 'Svalöv', 'Åstorp', 'Ängelholm', 'Örkelljunga']) {
    assert.ok(html.includes(`>${name}</a>`), `missing ${name}`);
  }
  assert.match(html, /Hoppa till innehållet/);
});

test('every response carries the security headers and a request id', async () => {
  for (const path of ['/', '/kommun/bjuv', '/finns-inte', '/static/nara.css', '/healthz']) {
    const r = await get(path);
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp, `no CSP on ${path}`);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
  }
});

test('the language follows the cookie first, then Accept-Language', async () => {
  let html = await (await get('/', { headers: { 'Accept-Language': 'en-GB,en;q=0.8' } })).text();
  assert.match(html, /<html lang="en"/);
  assert.match(html, /Choose your municipality/);
  html = await (await get('/', { headers: { 'Accept-Language': 'en', Cookie: 'lang=sv' } })).text();
  assert.match(html, /<html lang="sv"/);
  html = await (await get('/', { headers: { 'Accept-Language': 'fr, de' } })).text();
  assert.match(html, /<html lang="sv"/);
  const r = await get('/sprak?lang=en&next=%2Fkommun%2Fbjuv');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/kommun/bjuv');
  assert.match(r.headers.get('set-cookie'), /^lang=en;.*SameSite=Lax/);
});

test('the language switch never sends anyone to another site', async () => {
  for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
    const r = await get(`/sprak?lang=en&next=${encodeURIComponent(next)}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/');
  }
  assert.equal((await get('/sprak?lang=xx')).status, 400);
});

test('a municipality page shows its units and the shared services of its agreements', async () => {
  const r = await get('/kommun/bjuv');
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(html, /Socialtjänsten i Bjuv/);
  assert.match(html, /Första linjen/);
  assert.match(html, /Familjefridscenter/);
  assert.match(html, /Drivs av/);
  assert.match(html, /href="tel:\+46/);
});

test('text from the database is escaped', async () => {
  // The demo has no markup in it; the escaping itself is unit-tested, here
  // we check that the page is well-formed where names with å/ä/ö appear.
  const html = await (await get('/kommun/angelholm')).text();
  assert.match(html, /Ängelholm/);
  assert.doesNotMatch(html, /<script>/);
});

test('unknown pages get the Swedish 404 page', async () => {
  for (const path of ['/finns-inte', '/kommun/atlantis', '/kommun/', '/static/nope.css']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    const html = await r.text();
    assert.match(html, /Sidan finns inte/, path);
    assert.match(html, /<html lang="sv"/);
  }
});

test('a method a page does not take gets 405 with Allow', async () => {
  const r = await get('/', { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  assert.match(await r.text(), /Det går inte att göra så här/);
  const d = await get('/kommun/bjuv', { method: 'DELETE' });
  assert.equal(d.status, 405);
});

test('HEAD answers like GET without a body', async () => {
  const r = await get('/kommun/bjuv', { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal((await r.text()).length, 0);
});

test('broken UTF-8 and bad escapes get 400 with a page that says what to do', async () => {
  for (const path of ['/%ff', '/kommun/%c3%28', '/?q=%ff%fe', '/?q=%zz', '/?q=%', '/%00', '/a/../b']) {
    const r = await rawRequest(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(r, /^HTTP\/1\.1 400/, path);
    assert.match(r, /Något i förfrågan var fel/, path);
  }
  const form = await get('/sprak', { method: 'POST', body: 'a=%ff', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.status, 400);
});

test('an oversize body gets the Swedish 413 page and the server keeps serving', async () => {
  const body = 'x='.padEnd(2 * 1024 * 1024, 'a');
  const r = await get('/', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 413);
  assert.match(await r.text(), /Det du skickade är för stort/);
  assert.equal((await get('/healthz')).status, 200);
});

test('malformed requests are refused and the server keeps serving', async () => {
  const garbage = [
    'GARBAGE\r\n\r\n',
    'GET / HTTP/9.9\r\n\r\n',
    `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40000)}\r\n\r\n`,
    'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc',
    '\x00\x01\x02\x03\r\n\r\n',
  ];
  for (const g of garbage) {
    await rawRequest(server.port, g, { timeoutMs: 1500 });
  }
  const r = await get('/');
  assert.equal(r.status, 200);
});

test('health, readiness and metrics for the operator', async () => {
  let r = await get('/healthz');
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'ok\n');
  r = await get('/readyz');
  assert.equal(r.status, 200);
  r = await get('/metrics');
  assert.equal(r.status, 200);
  const text = await r.text();
  assert.match(text, /nara_http_requests_total\{route="home",status="200"\} \d+/);
  assert.match(text, /nara_http_requests_total\{route="none",status="404"\} \d+/);
  assert.match(text, /nara_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
  assert.match(text, /nara_http_open_connections \d+/);
  assert.match(text, /nara_db_seconds_total \d/);
});

test('static files are cached and revalidated', async () => {
  const r = await get('/static/ds.css');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/css/);
  assert.match(r.headers.get('cache-control'), /public, max-age=\d+/);
  const etag = r.headers.get('etag');
  assert.ok(etag);
  const again = await get('/static/ds.css', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
});

test('logs are one JSON object a line, with the request id', async () => {
  const r = await get('/kommun/klippan');
  const id = r.headers.get('x-request-id');
  await new Promise((res) => setTimeout(res, 100));
  const lines = server.stderr.trim().split('\n');
  for (const line of lines) JSON.parse(line);
  const mine = lines.map((l) => JSON.parse(l)).find((o) => o.id === id);
  assert.ok(mine, 'no log line for the request');
  assert.equal(mine.status, '200');
  assert.equal(mine.route, 'municipality');
});

test('many requests at once are all answered', async () => {
  const paths = ['/', '/kommun/bjuv', '/kommun/helsingborg', '/static/nara.css', '/readyz'];
  const all = await Promise.all(Array.from({ length: 300 }, (_, i) => get(paths[i % paths.length]).then((r) => r.status)));
  assert.deepEqual([...new Set(all)], [200]);
});

test(`engine under test is ${ENGINE}`, () => {
  assert.ok(['sqlite', 'postgresql'].includes(ENGINE));
});
