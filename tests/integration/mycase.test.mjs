// The citizen's own case over plain HTTP, on the demo's case (nara demo:
// the first Helsingborg citizen of the development login): the page, its
// live fragment and the PDF show exactly the released notes and never a
// withheld or delayed one or the private reporter; another person, staff
// and the logged-out are refused everywhere; comments and objections need
// the form token, keep the text on an error and redirect after saving;
// the event stream needs login and ownership, and a change made through
// another connection arrives as an event within a second, carrying no
// text. On PostgreSQL, a change through one nara node reaches a stream on
// another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENGINE, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { openStream } from '../lib/sse.mjs';
import { demoAccount, demoCaseHref } from '../lib/democase.mjs';

// What the demo's notes say (src/domain/demo_citizen_case.c).
const RELEASED = [
  'svårt att klara vardagen',
  'Rättelse: vi bestämde att vi ses hemma hos dig',
  'Inför mötet: vi föreslår en kontaktperson',
  'förvaltningsrätten',
];
const KEPT_BACK = ['Karin Lindqvist', '070-174 06 42', 'förlorat sitt arbete', 'Planering inför uppföljningen'];

let server;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
});
after(async () => {
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-3000));
});

// The Helsingborg citizens of the development login, without protected identity.
async function helsingborgCitizens() {
  const { list } = await new Client(server.base).accounts();
  return list.filter((a) => a.value.startsWith('citizen:') && a.label.endsWith(', Helsingborg'));
}

async function loggedIn(base, account) {
  const c = new Client(base);
  await c.loginAs(new RegExp(`^${account.value}$`));
  return c;
}

// The demo citizen, logged in, with the demo case's address.
async function theCitizen(base = server.base) {
  const account = await demoAccount(base);
  const c = await loggedIn(base, account);
  return { client: c, href: await demoCaseHref(c), account };
}

function assertReleasedOnly(text, what) {
  for (const s of RELEASED) assert.ok(text.includes(s), `${what} shows "${s}"`);
  for (const s of KEPT_BACK) assert.ok(!text.includes(s), `${what} never shows "${s}"`);
}

function cookieOf(client) { return client.cookieHeader(); }

test('the person sees exactly the released notes: page, fragment and PDF', async () => {
  const { client, href } = await theCitizen();
  const list = await (await client.get('/mina-sidor')).text();
  assert.match(list, /Dina ärenden/);
  assert.match(list, /Insatsen pågår\. Vi följer upp hur det går\. Senast \d+ \w+ \d{4}\./);

  const page = await client.get(href);
  assert.equal(page.status, 200);
  const html = await page.text();
  assertReleasedOnly(html, 'the page');
  // R2.1: the correction and the corrected note link to each other.
  const corrected = /id="anteckning-(\d+)"[\s\S]*?svårt att klara vardagen[\s\S]*?href="#anteckning-(\d+)">Anteckningen har rättats/.exec(html);
  assert.ok(corrected, 'the corrected note links to its correction');
  assert.match(html, new RegExp(`id="anteckning-${corrected[2]}"[\\s\\S]*?href="#anteckning-${corrected[1]}">Rättar anteckningen`));
  // Who has read the case: the demo's case officer, by unit.
  assert.match(html, /Vem har läst ärendet[\s\S]*<td>Helsingborg<\/td><td>Vuxen<\/td>/);
  // The live region carries the version and where its news comes from.
  assert.match(html, /data-version="\d+" data-events="\/mina-sidor\/arenden\/\d+\/handelser"/);

  const fragment = await client.get(`${href}?del=innehall`);
  assert.equal(fragment.status, 200);
  const part = await fragment.text();
  assert.ok(part.startsWith('<div id="innehall"'), 'the fragment is the live region alone');
  assert.doesNotMatch(part, /<html|<form/);
  assertReleasedOnly(part, 'the fragment');
  assert.equal((await client.get(`${href}?del=annat`)).status, 404);

  const pdf = await client.get(`${href}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.match(pdf.headers.get('content-disposition'), /^attachment; filename="HELSINGBORG-\d{4}-\d{6}\.pdf"$/);
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-pdf-'));
  const file = path.join(dir, 'case.pdf');
  fs.writeFileSync(file, bytes);
  const text = spawnSync('pdftotext', ['-q', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(text.status, 0, text.stderr);
  // pdftotext ends lines where the PDF wrapped them: compare words.
  const flat = text.stdout.replace(/\s+/g, ' ');
  assertReleasedOnly(flat, 'the PDF');
  assert.match(flat, /Sida 1 av \d/);
  assert.match(flat, /Skapad \d+ \w+ \d{4} kl\. \d\d:\d\d/);
});

test('another person, staff and the logged-out are refused everywhere', async () => {
  const { href } = await theCitizen();
  const [, second] = await helsingborgCitizens();
  const other = await loggedIn(server.base, second);
  const csrf = other.csrfFrom(await (await other.get('/mina-sidor')).text());
  for (const p of [href, `${href}?del=innehall`, `${href}/pdf`, `${href}/handelser`]) {
    assert.equal((await other.get(p)).status, 403, p);
  }
  assert.equal((await other.post(`${href}/kommentar`, { csrf, text: 'Inte min.' })).status, 403);
  assert.equal((await other.post(`${href}/fel`, { csrf, anteckning: '1', text: 'Inte min.' })).status, 403);

  const staff = new Client(server.base);
  await staff.loginAs(/helsingborg\.handlaggare2$/);
  assert.equal((await staff.get(href)).status, 403);
  assert.equal((await staff.get(`${href}/handelser`)).status, 403);

  const nobody = new Client(server.base);
  for (const p of [href, `${href}/pdf`, `${href}/handelser`]) {
    const r = await nobody.get(p);
    assert.equal(r.status, 303, p);
    assert.match(r.headers.get('location'), /^\/login\?next=/);
  }
  assert.equal((await nobody.post(`${href}/kommentar`, { text: 'x' })).status, 403);
  assert.equal((await nobody.get('/mina-sidor/arenden/99999999')).status, 303);
  const { client } = await theCitizen();
  assert.equal((await client.get('/mina-sidor/arenden/99999999')).status, 404);
  assert.equal((await client.get('/mina-sidor/arenden/abc')).status, 404);
});

test('a comment needs the form token, keeps its text on an error, and redirects when saved', async () => {
  const { client, href } = await theCitizen();
  const csrf = client.csrfFrom(await (await client.get(href)).text());
  assert.equal((await client.post(`${href}/kommentar`, { text: 'Utan token.' })).status, 403);
  assert.equal((await client.post(`${href}/kommentar`, { csrf: 'x'.repeat(43), text: 'Fel token.' })).status, 403);

  const tooLong = `Början av en mycket lång kommentar <b>& "citat"</b> ${'ord '.repeat(5100)}`;
  const bad = await client.post(`${href}/kommentar`, { csrf, text: tooLong });
  assert.equal(bad.status, 400);
  const badHtml = await bad.text();
  assert.match(badHtml, /id="comment-text" name="text" rows="5" aria-describedby="comment-help comment-error" aria-invalid="true">Början av en mycket lång kommentar &lt;b&gt;&amp; &quot;citat&quot;&lt;\/b&gt; ord/);
  assert.match(badHtml, /<p class="ds-validation-message" id="comment-error">Anteckningen är för lång\. Dela upp den i flera\.<\/p>/);
  assert.match(badHtml, /role="alert"><p class="ds-paragraph">Det gick inte att spara/);
  const empty = await client.post(`${href}/kommentar`, { csrf, text: '   ' });
  assert.equal(empty.status, 400);
  assert.match(await empty.text(), /Skriv något i anteckningen\./);

  const words = `Jag vill hellre ses på förmiddagar (${Date.now()}).`;
  const ok = await client.post(`${href}/kommentar`, { csrf, text: words });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `${href}?sparat=kommentar`);
  const after = await (await client.get(ok.headers.get('location'))).text();
  assert.match(after, /Din kommentar är sparad i ärendet\./);
  assert.match(after, new RegExp(`Din kommentar, <time[^>]*>[^<]*</time></h3>\\s*<p class="ds-paragraph nara-muted">Skriven av dig</p>\\s*<p class="ds-paragraph nara-note-body">${words.replace(/[().]/g, '\\$&')}</p>`));
});

test('saying a note is wrong names a note the person can see, and links both ways', async () => {
  const { client, href } = await theCitizen();
  const html = await (await client.get(href)).text();
  const csrf = client.csrfFrom(html);
  const choices = [...html.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));
  assert.ok(choices.length >= 3, 'the notes of the social services are offered');
  // Ids between the offered ones that are not offered: withheld notes.
  const shown = [...html.matchAll(/id="anteckning-(\d+)"/g)].map((m) => Number(m[1]));
  const hidden = [];
  for (let id = Math.min(...shown); id < Math.max(...shown); id++) if (!shown.includes(id)) hidden.push(id);
  assert.ok(hidden.length >= 2, 'the demo has withheld notes among the shown ones');

  const none = await client.post(`${href}/fel`, { csrf, anteckning: '', text: 'Det här stämmer inte.' });
  assert.equal(none.status, 400);
  const noneHtml = await none.text();
  assert.match(noneHtml, /id="wrong-note" name="anteckning" aria-invalid="true" aria-describedby="wrong-note-error"/);
  assert.match(noneHtml, /id="wrong-note-error">Välj vilken anteckning du menar är fel\./);
  assert.match(noneHtml, /name="text" rows="5">Det här stämmer inte\.<\/textarea>/);

  // A withheld note and a note that does not exist get the same answer:
  // nothing says that the withheld one is there.
  const answers = [];
  for (const id of [hidden[0], 99999999]) {
    const r = await client.post(`${href}/fel`, { csrf, anteckning: String(id), text: 'Fel.' });
    assert.equal(r.status, 400);
    const t = await r.text();
    answers.push(/id="wrong-note-error">([^<]*)</.exec(t)[1]);
    for (const s of KEPT_BACK) assert.ok(!t.includes(s));
  }
  assert.equal(answers[0], 'Anteckningen finns inte i det här ärendet.');
  assert.equal(answers[0], answers[1]);

  const target = choices[0];
  const ok = await client.post(`${href}/fel`, { csrf, anteckning: String(target), text: 'Vi pratade i telefon, inte på kontoret.' });
  assert.equal(ok.status, 303);
  const after = await (await client.get(ok.headers.get('location'))).text();
  assert.match(after, /Det du skrev är sparat tillsammans med anteckningen\./);
  const objection = new RegExp(`id="anteckning-(\\d+)">\\s*<h3[^>]*>Du säger att något är fel[\\s\\S]*?Vi pratade i telefon[\\s\\S]*?href="#anteckning-${target}">Gäller anteckningen från`).exec(after);
  assert.ok(objection, 'the objection links to the note');
  assert.match(after, new RegExp(`id="anteckning-${target}"[\\s\\S]*?href="#anteckning-${objection[1]}">Du har sagt att något i anteckningen är fel`));
  // ?om= chooses the note in the form.
  const chosen = await (await client.get(`${href}?om=${target}`)).text();
  assert.match(chosen, new RegExp(`<option value="${target}" selected>`));
});

test('the stream needs login and ownership, and tells of a change within a second, without its text', async (t) => {
  const { client, href, account } = await theCitizen();
  const html = await (await client.get(href)).text();
  const version = Number(/data-version="(\d+)"/.exec(html)[1]);
  const stream = await openStream(server.base, `${href}/handelser?version=${version}`, cookieOf(client));
  try {
    assert.equal(stream.status, 200);
    assert.equal(stream.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(stream.headers['cache-control'], 'no-store');
    assert.equal(stream.headers['x-accel-buffering'], 'no');
    await stream.next((e) => e.retry === 3000, 2000);

    // The same person on another connection (another login) writes.
    const phone = await loggedIn(server.base, account);
    const csrf = phone.csrfFrom(await (await phone.get(href)).text());
    const secret = `Hemligt ord ${Date.now()}`;
    const sent = performance.now();
    const r = await phone.post(`${href}/kommentar`, { csrf, text: secret });
    assert.equal(r.status, 303);
    const e = await stream.next((x) => x.event === 'change', 1000);
    t.diagnostic(`the event came ${Math.round(e.at - sent)} ms after the comment was sent`);
    assert.ok(e.at - sent < 1000, `the event came ${Math.round(e.at - sent)} ms after the change`);
    const data = JSON.parse(e.data);
    assert.deepEqual(Object.keys(data).sort(), ['case', 'version']);
    assert.equal(data.case, Number(href.split('/').pop()));
    assert.ok(data.version > version);
    // Nothing of the change travels on the stream.
    assert.ok(!stream.raw.includes('Hemligt'));
    for (const s of [...KEPT_BACK, ...RELEASED]) assert.ok(!stream.raw.includes(s));
    // The fragment the page then fetches has it, at the new version.
    const part = await (await client.get(`${href}?del=innehall`)).text();
    assert.ok(part.includes(secret));
    assert.match(part, new RegExp(`data-version="${data.version}"`));
  } finally {
    stream.close();
  }

  // Opened with an old version: the change it missed is told at once.
  const late = await openStream(server.base, `${href}/handelser?version=1`, cookieOf(client));
  try {
    const e = await late.next((x) => x.event === 'change', 2000);
    assert.ok(JSON.parse(e.data).version > 1);
  } finally {
    late.close();
  }
});

test('streams per login are bounded, and a closed stream gives its place back', async () => {
  const { client, href } = await theCitizen();
  const streams = [];
  try {
    for (let i = 0; i < 16; i++) {
      const s = await openStream(server.base, `${href}/handelser`, cookieOf(client));
      assert.equal(s.status, 200, `stream ${i + 1}`);
      streams.push(s);
    }
    const refused = await openStream(server.base, `${href}/handelser`, cookieOf(client));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '30');
    refused.close();
    // Another login of the same person has its own bound.
    const { client: other } = await theCitizen();
    const more = await openStream(server.base, `${href}/handelser`, cookieOf(other));
    assert.equal(more.status, 200);
    more.close();
    streams.pop().close();
    let again;
    for (let i = 0; i < 50; i++) {
      again = await openStream(server.base, `${href}/handelser`, cookieOf(client));
      if (again.status === 200) break;
      again.close();
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(again.status, 200);
    streams.push(again);
  } finally {
    for (const s of streams) s.close();
  }
  const metrics = await (await fetch(`${server.base}/metrics`)).text();
  assert.match(metrics, /^nara_live_streams \d+$/m);
});

test('two nara nodes on one PostgreSQL: a change through one reaches a stream on the other', { skip: ENGINE !== 'postgresql' && 'needs PostgreSQL' }, async (t) => {
  const nodeB = await startServer({ NARA_DEV_LOGIN: '1' });
  try {
    const onB = await theCitizen(nodeB.base);
    const onA = await theCitizen(server.base);
    const stream = await openStream(nodeB.base, `${onB.href}/handelser`, cookieOf(onB.client));
    try {
      assert.equal(stream.status, 200);
      await stream.next((e) => e.retry === 3000, 2000);
      const csrf = onA.client.csrfFrom(await (await onA.client.get(onA.href)).text());
      const sent = performance.now();
      const r = await onA.client.post(`${onA.href}/kommentar`, { csrf, text: 'Skrivet via nod A.' });
      assert.equal(r.status, 303);
      const e = await stream.next((x) => x.event === 'change', 1000);
      t.diagnostic(`node A to node B: ${Math.round(e.at - sent)} ms`);
      assert.ok(e.at - sent < 1000);
      assert.ok(!stream.raw.includes('nod A'));
    } finally {
      stream.close();
    }
  } finally {
    const r = await stopServer(nodeB);
    assert.equal(r.code, 0, nodeB.stderr.slice(-3000));
  }
});
