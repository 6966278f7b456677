// Secure messages in Chromium, two browsers at once: the person on their
// case page, the case officer (helsingborg.handlaggare2) on the staff case
// page. The officer's reply shows in the person's browser within a second
// without a reload, and the person's answer in the officer's, marked
// "Läst" once seen; the officer's worklist lists the unanswered thread.
// With JavaScript off the form posts and redirects back, and a reload
// shows a new message. axe-core finds no WCAG 2.1 AA violation on any of
// these pages, and the Content-Security-Policy is never broken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';
import { demoAccount, demoCaseHref } from '../lib/democase.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, caseHref, caseId, account;
const contexts = [];
const dirs = [];
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  account = await demoAccount(server.base);
  const probe = new Client(server.base);
  await probe.loginAs(new RegExp(`^${account.value}$`));
  caseHref = await demoCaseHref(probe);
  caseId = Number(caseHref.split('/').pop());
});
after(async () => {
  for (const c of contexts) await c.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

async function browserContext(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-messages-'));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, locale: 'sv-SE', args: ARGS, ...options,
  });
  contexts.push(ctx);
  return ctx;
}

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return errors;
}

async function citizenPage(ctx) {
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.base}/login?next=%2Fmina-sidor`);
  await page.locator(`button[value="${account.value}"]`).click();
  await page.waitForURL(/\/mina-sidor$/);
  await page.goto(server.base + caseHref);
  return { page, errors };
}

async function officerPage(ctx, where) {
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.base}/login?next=%2Farbete`);
  await page.locator('button', { hasText: /· helsingborg\.handlaggare2$/ }).click();
  await page.waitForURL(/\/arbete$/);
  if (where) await page.goto(server.base + where);
  return { page, errors };
}

// Resolves with the time the words appear in the page's thread.
async function noteWhenShown(page, words) {
  await page.evaluate((text) => {
    window.shownAt = 0;
    const region = document.getElementById('meddelanden-lista');
    new MutationObserver(() => {
      if (!window.shownAt && region.textContent.includes(text)) window.shownAt = Date.now();
    }).observe(region, { childList: true, subtree: true, characterData: true });
  }, words);
}

async function waitForStreams(n) {
  for (let i = 0; i < 200; i++) {
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    if (Number(/^nara_live_streams (\d+)$/m.exec(metrics)[1]) >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${n} event streams open after 5 s`);
}

test('two browsers: replies show live both ways, read status follows, the worklist lists the unanswered', async (t) => {
  const person = await citizenPage(await browserContext());
  const officer = await officerPage(await browserContext(), `/arbete/arende/${caseId}`);
  assert.match(await person.page.textContent('#meddelanden'), /Meddelanden/);
  assert.deepEqual(await axe(person.page), []);
  assert.deepEqual(await axe(officer.page), []);
  await waitForStreams(2);
  await person.page.evaluate(() => { window.notReloaded = true; });
  await officer.page.evaluate(() => { window.notReloaded = true; });

  // The person writes; it shows in the officer's browser without a reload.
  const question = `Kan vi ses på onsdag i stället? ${Date.now()}`;
  await noteWhenShown(officer.page, question);
  await person.page.fill('#message-text', question);
  let sent = Date.now();
  await person.page.click('button:has-text("Skicka meddelandet")');
  // The writer's own thread shows it at once, the box is emptied.
  await person.page.waitForFunction((q) => document.getElementById('meddelanden-lista').textContent.includes(q), question);
  assert.equal(await person.page.inputValue('#message-text'), '');
  await officer.page.waitForFunction(() => window.shownAt, null, { timeout: 5000, polling: 50 });
  let after = (await officer.page.evaluate(() => window.shownAt)) - sent;
  t.diagnostic(`the person's message showed in the officer's browser ${after} ms after it was sent`);
  assert.ok(after < 1000, `shown ${after} ms after it was sent`);
  // The officer's page read it: the person's page then says "Läst", live.
  await person.page.waitForFunction(() => /Läst/.test(document.querySelector('#meddelanden-lista .nara-message-own:last-of-type .nara-message-status').textContent),
    null, { timeout: 3000 });

  // The officer answers; it shows in the person's browser without a reload.
  const answer = `Onsdag klockan 13 går bra. ${Date.now()}`;
  await noteWhenShown(person.page, answer);
  await officer.page.fill('#message-text', answer);
  sent = Date.now();
  await officer.page.click('button:has-text("Skicka meddelandet")');
  await person.page.waitForFunction(() => window.shownAt, null, { timeout: 5000, polling: 50 });
  after = (await person.page.evaluate(() => window.shownAt)) - sent;
  t.diagnostic(`the officer's reply showed in the person's browser ${after} ms after it was sent`);
  assert.ok(after < 1000, `shown ${after} ms after it was sent`);
  await officer.page.waitForFunction(() => /Läst/.test(document.querySelector('#meddelanden-lista .nara-message-own:last-of-type .nara-message-status').textContent),
    null, { timeout: 3000 });
  assert.equal(await person.page.evaluate(() => window.notReloaded), true);
  assert.equal(await officer.page.evaluate(() => window.notReloaded), true);
  // The announcement is emptied and set again 50 ms later at each refresh
  // (so a screen reader reads it again): wait for it, do not sample it.
  await person.page.waitForFunction(() => document.querySelector('#meddelanden-status').textContent.trim() === 'Nytt i meddelandena.',
    null, { timeout: 3000 });

  // An empty message, refused at the field without a reload.
  await person.page.fill('#message-text', '  ');
  await person.page.click('button:has-text("Skicka meddelandet")');
  await person.page.waitForSelector('#message-error:not([hidden])');
  assert.match(await person.page.textContent('#message-error'), /Skriv något i meddelandet/);
  assert.equal(await person.page.getAttribute('#message-text', 'aria-invalid'), 'true');
  assert.deepEqual(await axe(person.page), []);
  assert.deepEqual(await axe(officer.page), []);

  // The person writes again: the officer's worklist lists the thread.
  await person.page.fill('#message-text', `En sak till ${Date.now()}`);
  await person.page.click('button:has-text("Skicka meddelandet")');
  await person.page.waitForSelector('#message-error[hidden]', { state: 'attached' });
  const work = await officer.page.context().newPage();
  await work.goto(`${server.base}/arbete`);
  assert.match(await work.textContent('#awaiting + p + ul'), /HELSINGBORG-\d{4}-\d{6}/);
  assert.deepEqual(await axe(work), []);

  // The form as it works without a script (the script's listener dropped
  // with a copy of the form): a refusal drawn by the server, on both sides.
  for (const p of [person.page, officer.page]) {
    await p.evaluate(() => { const f = document.getElementById('meddelande-form'); f.replaceWith(f.cloneNode(true)); });
    await p.fill('#message-text', ' ');
    await Promise.all([p.waitForNavigation(), p.click('button:has-text("Skicka meddelandet")')]);
    assert.match(await p.textContent('#message-error'), /Skriv något i meddelandet/);
    assert.deepEqual(await axe(p), []);
  }
  for (const e of [...person.errors, ...officer.errors]) assert.doesNotMatch(e, /Content Security Policy|Refused/);
  await work.close();
  await person.page.close();
  await officer.page.close();
});

// axe needs a script in the page, so the pages drawn without one are
// audited in the first test (the same HTML: a refused form drawn by the
// server) and here only used.
test('without JavaScript: the form posts and comes back, a reload shows new messages', { timeout: 90000 }, async () => {
  const person = await citizenPage(await browserContext({ javaScriptEnabled: false }));
  const officer = await officerPage(await browserContext({ javaScriptEnabled: false }), `/arbete/arende/${caseId}`);
  const words = `Utan skript ${Date.now()}`;
  await person.page.fill('#message-text', words);
  await person.page.click('button:has-text("Skicka meddelandet")');
  await person.page.waitForURL(/\?sparat=meddelande#meddelanden$/);
  assert.match(await person.page.textContent('main'), /Meddelandet är skickat/);
  assert.ok((await person.page.textContent('#meddelanden-lista')).includes(words));

  // The officer's open page does not change by itself; a reload shows it.
  assert.ok(!(await officer.page.textContent('#meddelanden-lista')).includes(words));
  await officer.page.reload();
  assert.ok((await officer.page.textContent('#meddelanden-lista')).includes(words));
  const reply = `Svar utan skript ${Date.now()}`;
  await officer.page.fill('#message-text', reply);
  await officer.page.click('button:has-text("Skicka meddelandet")');
  await officer.page.waitForURL(/\?sparat=meddelande#meddelanden$/);
  // An error draws the page again with the summary and the text kept.
  await officer.page.fill('#message-text', ' ');
  await officer.page.click('button:has-text("Skicka meddelandet")');
  await officer.page.waitForSelector('#message-error:not([hidden])');
  // "Journal this" without a script.
  await officer.page.goto(`${server.base}/arbete/arende/${caseId}`);
  const item = officer.page.locator('#meddelanden-lista li', { hasText: words });
  await item.locator('button:has-text("För in i journalen")').click();
  await officer.page.waitForURL(/#anteckning-\d+$/);
  assert.match(await officer.page.textContent('#meddelanden-lista'), /Finns i journalen/);

  await person.page.reload();
  assert.ok((await person.page.textContent('#meddelanden-lista')).includes(reply));
  await person.page.close();
  await officer.page.close();
});
