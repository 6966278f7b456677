// A video meeting in three headless Chromiums (fake camera and
// microphone): the citizen, the officer and the interpreter of one
// booked meeting join /mote/{id}; nara carries the signalling, a coturn
// started here carries the media, and nara tells the browsers to use
// nothing but TURN (NARA_TURN_RELAY_ONLY=1). Each browser must then
// receive sound and picture from both others, counted by WebRTC's own
// statistics (inbound-rtp bytes that keep growing), over a selected
// candidate pair of type relay. Then the doors: someone not invited is
// refused, a meeting that has not opened or has ended says so, and
// axe-core finds no WCAG 2.1 AA violation on the page in any state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { demoAccount } from '../lib/democase.mjs';
import { bookMeeting, staffId, startTurn, stopTurn } from '../lib/video.mjs';
import { VIDEO_ARGS, keepConnections, assertMediaFlows } from '../lib/webrtc.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, turn, browser, citizen, officer, interpreter, meeting;
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  prepareDatabase();
  // One browser; each participant is a context of its own (own cookies).
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: VIDEO_ARGS,
  });
  turn = await startTurn();
  server = await startServer({
    NARA_DEV_LOGIN: '1',
    NARA_TURN_URLS: turn.url,
    NARA_TURN_SECRET: turn.secret,
    NARA_TURN_RELAY_ONLY: '1',
  });
  citizen = (await demoAccount(server.base)).value;
  officer = staffId('helsingborg.handlaggare');
  interpreter = staffId('helsingborg.digital-tolktjanst');
  meeting = bookMeeting({
    pnr: citizen.slice('citizen:'.length), officer, interpreter,
    starts: now() - 60, ends: now() + 3600,
  });
});
after(async () => {
  await browser?.close();
  const r = await stopServer(server);
  await stopTurn(turn);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

// A browser logged in as `account` (a development login's value).
async function browserAs(account, options = {}) {
  const ctx = await browser.newContext({ locale: 'sv-SE', ...options });
  const client = new Client(server.base);
  await client.loginAs(new RegExp(`^${account}$`));
  await ctx.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: server.base })));
  await keepConnections(ctx);
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { ctx, page, errors };
}

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

test('three browsers receive each other\'s sound and picture through TURN', async (t) => {
  const people = [
    { name: 'citizen', ...(await browserAs(citizen)) },
    { name: 'officer', ...(await browserAs(`staff:${officer}`)) },
    { name: 'interpreter', ...(await browserAs(`staff:${interpreter}`)) },
  ];
  for (const p of people) {
    const res = await p.page.goto(`${server.base}/mote/${meeting}`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['permissions-policy'], /camera=\(self\), microphone=\(self\)/);
    assert.equal(await p.page.textContent('h1'), 'Videomöte');
  }
  assert.deepEqual(await axe(people[0].page), []);
  for (const p of people) {
    await p.page.click('#video-join');
    await p.page.waitForSelector('#video-call:not([hidden])', { timeout: 20000 });
  }

  // Every page: two connections, each connected and receiving both kinds
  // over TURN relays.
  await assertMediaFlows(people, 2, {
    diag: (s) => t.diagnostic(s), why: () => `turn: ${turn.log.slice(-3000)}`,
  });
  for (const p of people) {
    // Three tiles: the person's own picture and one per other participant.
    assert.equal(await p.page.locator('#video-grid video').count(), 3);
  }
  // The tiles are named by role, in words.
  const names = await people[0].page.locator('#video-grid li span').allTextContents();
  assert.deepEqual(names.sort(), ['Du', 'handläggare', 'tolk']);
  assert.deepEqual(await axe(people[1].page), []);

  // The microphone button turns the sound off, and says what it does next.
  await people[0].page.click('#video-mute');
  assert.equal((await people[0].page.textContent('#video-mute')).trim(), 'Slå på mikrofonen');

  // Leaving: the others drop the connection and say so.
  await people[2].page.click('#video-leave');
  assert.match(await people[2].page.textContent('#video-status'), /Du har lämnat mötet/);
  await people[0].page.waitForFunction(
    () => document.querySelectorAll('#video-grid video').length === 2, null, { timeout: 10000 });
  assert.match(await people[0].page.textContent('#video-status'), /tolk har lämnat mötet/);

  for (const p of people) {
    assert.deepEqual(p.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], p.name);
  }
  // coturn accepted nara's credentials: it allocated relays for the seats.
  assert.match(turn.log, /ALLOCATE processed, success/);
});

test('someone not invited is refused, and so is everyone outside the meeting\'s time', async () => {
  const stranger = await browserAs(`staff:${staffId('helsingborg.teamledare')}`);
  const res = await stranger.page.goto(`${server.base}/mote/${meeting}`);
  assert.equal(res.status(), 403);
  assert.match(await stranger.page.textContent('main'), /Du har inte behörighet/);
  assert.equal(await stranger.page.locator('#video-join').count(), 0);

  const tomorrow = bookMeeting({
    pnr: citizen.slice('citizen:'.length), officer, interpreter,
    starts: now() + 86400, ends: now() + 86400 + 3600,
  });
  const ended = bookMeeting({
    pnr: citizen.slice('citizen:'.length), officer, interpreter,
    starts: now() - 7200, ends: now() - 3600,
  });
  const person = await browserAs(citizen);
  let r = await person.page.goto(`${server.base}/mote/${tomorrow}`);
  assert.equal(r.status(), 403);
  assert.match(await person.page.textContent('main'), /Mötet öppnar 10 minuter innan det börjar/);
  assert.equal(await person.page.locator('#video-join').count(), 0);
  assert.deepEqual(await axe(person.page), []);
  r = await person.page.goto(`${server.base}/mote/${ended}`);
  assert.equal(r.status(), 403);
  assert.match(await person.page.textContent('main'), /Mötet har slutat/);
  assert.deepEqual(await axe(person.page), []);
});

test('without JavaScript the page says video needs it and offers the telephone', async () => {
  const p = await browserAs(citizen, { javaScriptEnabled: false });
  const res = await p.page.goto(`${server.base}/mote/${meeting}`);
  assert.equal(res.status(), 200);
  assert.match(await p.page.textContent('main'), /Videomötet behöver JavaScript/);
  assert.match(await p.page.textContent('main'), /per telefon/);
  assert.equal(await p.page.isVisible('#video-join'), false);
});
