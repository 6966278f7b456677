// The whole journey of the case issue, in two browsers at once: a citizen
// of Svalöv applies for family support and keeps their case open; a case
// officer of Svalöv finds it in the worklist and writes one note released
// to the person and one withheld; the citizen's open page shows the
// released note without a reload, and the withheld note reaches the
// citizen by no path: not the page, not the API, not the event stream, not
// the PDF. A reported child's private reporter stays hidden the same way,
// and an officer of another municipality is refused the case. axe-core on
// every page on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { openStream } from '../lib/sse.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;
const contexts = [];
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
});
after(async () => {
  for (const c of contexts) {
    await c.context.close();
    fs.rmSync(c.dir, { recursive: true, force: true });
  }
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

// One browser of its own per person, as two people at two computers.
async function browserFor(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nara-journey-${name}-`));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, locale: 'sv-SE', acceptDownloads: true, args: ARGS,
  });
  contexts.push({ context, dir });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  return page;
}

async function checked(page, what) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  assert.deepEqual(violations, [], what);
  assert.deepEqual(page.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], what);
}

async function devLogin(page, next, buttonValue) {
  await page.goto(`${server.base}/login?next=${encodeURIComponent(next)}`);
  await page.click(`button[value="${buttonValue}"]`);
  await page.waitForURL((url) => url.pathname === next);
}

test('apply → worklist → note → the open page shows it live; withheld reaches the citizen by no path', async () => {
  const { list } = await new Client(server.base).accounts();
  const citizenAccount = list.find((a) => a.value.startsWith('citizen:') && a.label.endsWith(', Svalöv'));
  const staffAccount = list.find((a) => a.value.startsWith('staff:') && /svalov\.handlaggare$/.test(a.label));
  assert.ok(citizenAccount && staffAccount, 'the demo has a Svalöv citizen and case officer');
  const stamp = Date.now().toString(36);
  const released = `Vi har talat med skolan om morgnarna (${stamp}).`;
  const withheld = `Grannen berättar om bråk i trapphuset (${stamp}).`;

  // The citizen applies for family support.
  const citizen = await browserFor('citizen');
  await devLogin(citizen, '/ansok/svalov/familjestod', citizenAccount.value);
  await checked(citizen, 'the application form');
  await citizen.check('#f-for_whom-2');
  await citizen.fill('#f-children', '1');
  await citizen.check('#f-other_guardian-2');
  await citizen.check('#f-areas');
  await citizen.fill('#f-describe', `Dottern vill inte gå till skolan (${stamp}).`);
  await citizen.check('#f-interpreter-1');
  await citizen.click('button:has-text("Skicka ansökan")');
  await citizen.waitForURL(/\/ansok\/kvitto\/\d+$/);
  const reference = (await citizen.textContent('.nara-receipt')).trim();
  assert.match(reference, /^SVALOV-\d{4}-\d{6}$/);
  await checked(citizen, 'the receipt');
  await citizen.click('a:has-text("Se ärendet")');
  const caseHref = new URL(citizen.url()).pathname;
  assert.match(caseHref, /^\/mina-sidor\/arenden\/\d+$/);
  const caseId = caseHref.split('/').pop();
  await checked(citizen, 'the citizen\'s case');

  // An event stream of the citizen's own, read by the test: it must carry
  // no text of the case at all.
  const cookies = (await citizen.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const stream = await openStream(server.base, `${caseHref}/handelser`, cookies);
  assert.equal(stream.status, 200);

  // The case officer finds it in the worklist and opens it.
  const staff = await browserFor('staff');
  await devLogin(staff, '/arbete', staffAccount.value);
  await checked(staff, 'the worklist');
  await staff.click(`a:has-text("${reference}")`);
  await staff.waitForURL(`${server.base}/arbete/arende/${caseId}`);
  await checked(staff, 'the staff case page');

  // A note released at once: the citizen's open page shows it, no reload.
  await citizen.evaluate(() => { window.loadedAt = performance.now(); });
  const sent = Date.now();
  await staff.fill('#note-body', released);
  await staff.check('#note-vis-now');
  await staff.click('button:has-text("Spara anteckningen")');
  await staff.waitForURL(/klart=/);
  await citizen.waitForFunction((text) => document.querySelector('main').textContent.includes(text),
    released, { timeout: 5000, polling: 50 });
  const shownAfter = Date.now() - sent;
  assert.ok(await citizen.evaluate(() => window.loadedAt !== undefined), 'the page was not reloaded');
  await checked(citizen, 'the citizen\'s case after the live update');
  console.log(`# released note on the citizen's open page ${shownAfter} ms after the officer saved it`);

  // A withheld note: saved for staff, shown to the citizen by no path.
  await staff.fill('#note-body', withheld);
  await staff.check('#note-vis-withheld');
  await staff.selectOption('#note-reason', 'third_party');
  await staff.click('button:has-text("Spara anteckningen")');
  await staff.waitForURL(/klart=/);
  assert.match(await staff.textContent('main'), new RegExp(withheld.replace(/[()]/g, '\\$&')));
  await checked(staff, 'the staff case page with both notes');

  // Wait for the stream to say the case changed twice, then look everywhere.
  await stream.next((e) => e.event === 'change', 5000);
  await citizen.reload();
  const pageText = await citizen.textContent('main');
  assert.match(pageText, new RegExp(released.replace(/[()]/g, '\\$&')));
  assert.ok(!pageText.includes(withheld), 'the withheld note is not on the page');
  const fragment = await (await fetch(`${server.base}${caseHref}?del=innehall`, { headers: { Cookie: cookies } })).text();
  assert.ok(!fragment.includes(withheld), 'nor in the live fragment');
  const api = await (await fetch(`${server.base}/api/v1/my/cases/${caseId}`, { headers: { Cookie: cookies } })).text();
  assert.ok(api.includes(stamp) && !api.includes(withheld), 'nor in the API');
  assert.ok(!stream.raw.includes(stamp), 'the event stream carries no text of the case');
  stream.close();
  const [download] = await Promise.all([
    citizen.waitForEvent('download'),
    citizen.click('a[href$="/pdf"]'),
  ]);
  const pdfPath = await download.path();
  const pdfText = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.ok(pdfText.includes(released.replace(/\s+/g, ' ')), 'the PDF has the released note');
  assert.ok(!pdfText.includes('trapphuset'), 'and not the withheld one');

  // Another municipality's officer: refused, with the attempt in the log.
  const other = new Client(server.base);
  await other.loginAs(/helsingborg\.handlaggare$/);
  const refused = await other.get(`/arbete/arende/${caseId}`);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /Du har inte behörighet/);
});
