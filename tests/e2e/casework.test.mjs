// The staff's casework in Chromium: the worklist (and on a 360 px screen),
// registering a report by telephone, the case page and its forms — each
// refused once and then sent right — the journal, the reports about a
// child; axe-core finds no WCAG 2.1 AA violation in any state, error
// states included. Without JavaScript the worklist filter and a move of
// the case work too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { Client } from '../lib/login.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;
const dirs = [];
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
});
after(async () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  const r = await stopServer(server);
  assert.equal(r.code, 0, `${JSON.stringify(r)} ${server.stderr.slice(-2000)}`);
});

async function browser(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-casework-'));
  dirs.push(dir);
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, locale: 'sv-SE', args: ARGS, ...options,
  });
}

// Every closed <details> is opened while axe runs, so it sees the forms
// inside too, and closed again after, as the person left it. Designsystemet
// animates the opening (0.4 s); axe waits for it, or it would measure
// colours against whatever is still sliding past.
async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const closed = [...document.querySelectorAll('details:not([open])')];
    closed.forEach((d) => { d.open = true; });
    if (closed.length > 0) await new Promise((resolve) => setTimeout(resolve, 600));
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    closed.forEach((d) => { d.open = false; });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

async function login(page, account) {
  await page.goto(`${server.base}/login?next=%2Farbete`);
  await page.click(`button:has-text("${account}")`);
  await page.waitForURL(/\/arbete$/);
}

test('worklist, registration, the case page and its forms, every state without axe violations', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  try {
    await login(page, 'bjuv.handlaggare');
    assert.equal((await page.textContent('h1')).trim(), 'Mitt arbete');
    assert.match(await page.textContent('main'), /Ärenden per enhet/);
    // The demo's overdue report says so in words, not only in red.
    assert.ok(await page.locator('tr.nara-row-overdue .ds-tag:has-text("Försenad")').count() > 0);
    assert.deepEqual(await axe(page), []);
    await page.check('#f-attention');
    await page.selectOption('#f-sort', 'received');
    await page.click('button:has-text("Visa ärendena")');
    assert.match(page.url(), /attention=1/);
    assert.match(page.url(), /sort=received/);
    assert.ok(await page.isChecked('#f-attention'), 'the filter is kept');
    assert.deepEqual(await axe(page), []);

    // A report by telephone: refused once (no concern), then registered.
    await page.click('a:has-text("Registrera en orosanmälan")');
    assert.equal((await page.textContent('h1')).trim(), 'Registrera en orosanmälan');
    assert.deepEqual(await axe(page), []);
    const child = `Webbläsarbarn ${unique()}`;
    await page.fill('#child_name', child);
    await page.check('#reporter_kind-private');
    await page.fill('#reporter_name', 'Karin Granne');
    await page.click('button:has-text("Registrera anmälan")');
    assert.match(await page.textContent('#concern-error'), /Beskriv vad du är orolig för/);
    assert.equal(await page.inputValue('#child_name'), child, 'what was typed is kept');
    assert.ok(await page.isChecked('#reporter_kind-private'));
    assert.deepEqual(await axe(page), []);
    await page.fill('#concern', 'Det hörs skrik från lägenheten varje kväll.');
    await page.click('button:has-text("Registrera anmälan")');
    assert.match(await page.textContent('.nara-receipt'), /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.deepEqual(await axe(page), []);
    await page.click('a:has-text("Gå till ärendet")');
    const caseUrl = page.url();
    assert.match(await page.textContent('h1'), /^Ärende BJUV-\d{4}-\d{6}$/);
    assert.match(await page.textContent('main'), /Anmälarens identitet får inte lämnas ut/);
    assert.deepEqual(await axe(page), []);

    // The protection assessment: refused without its answer, then saved.
    await page.click('a:has-text("Gör skyddsbedömningen")');
    await page.fill('[id$="-assessment"]', 'Inget akut skyddsbehov.');
    await page.click('button:has-text("Spara skyddsbedömningen")');
    assert.match(await page.textContent('.ds-error-summary'), /Ange om barnet behöver skydd omedelbart/);
    assert.equal(await page.inputValue('[id$="-assessment"]'), 'Inget akut skyddsbehov.');
    assert.deepEqual(await axe(page), []);
    await page.check('[id$="-immediate-0"]');
    await page.click('button:has-text("Spara skyddsbedömningen")');
    assert.match(await page.textContent('[role="status"]'), /Skyddsbedömningen är sparad/);
    assert.deepEqual(await axe(page), []);

    // Opening the investigation: "not heard" needs its reason.
    await page.click('summary:has-text("Inled utredning")');
    await page.check('#open_investigation-child_heard-0');
    await page.click('#form-open_investigation button[type="submit"]');
    assert.match(await page.textContent('#open_investigation-child_not_heard_reason-error'), /Skriv varför barnet inte har fått komma till tals/);
    assert.equal(await page.getAttribute('#open_investigation-child_not_heard_reason', 'aria-invalid'), 'true');
    assert.deepEqual(await axe(page), []);
    await page.fill('#open_investigation-child_not_heard_reason', 'Barnet är ett år.');
    await page.click('#form-open_investigation button[type="submit"]');
    assert.match(await page.textContent('[role="status"]'), /Utredningen är inledd/);

    // A decision with a part missing, then whole.
    await page.click('summary:has-text("Fatta beslut")');
    await page.check('#decide-outcome-granted');
    await page.fill('#decide-content', 'Familjebehandling beviljas.');
    await page.fill('#decide-reasons', 'Behovet är utrett.');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/steg')),
      page.click('#form-decide button[type="submit"]'),
    ]);
    assert.equal(refused.status(), 400);
    await page.waitForLoadState();
    assert.match(await page.textContent('#decide-subject-error'), /Skriv vad beslutet gäller/);
    assert.match(await page.inputValue('#decide-appeal'), /förvaltningsrätten/);
    assert.deepEqual(await axe(page), []);
    await page.fill('#decide-subject', 'Familjebehandling');
    await page.click('#form-decide button[type="submit"]');
    assert.match(await page.textContent('main'), /Beviljat: Familjebehandling/);
    assert.deepEqual(await axe(page), []);

    // A note with a date in the past is refused; its visibility says why.
    await page.fill('#note-body', 'Samtal med pappa.');
    await page.check('#note-vis-from');
    await page.fill('#note-from', '2001-01-01');
    await page.click('button:has-text("Spara anteckningen")');
    assert.match(await page.textContent('#note-visibility-error'), /Ett datum måste ligga framåt i tiden/);
    assert.equal(await page.inputValue('#note-body'), 'Samtal med pappa.');
    assert.deepEqual(await axe(page), []);
    await page.check('#note-vis-now');
    await page.click('button:has-text("Spara anteckningen")');
    assert.match(await page.textContent('[role="status"]'), /Anteckningen är sparad/);

    // Someone else changes the case while this page is open: 409, input kept.
    const other = new Client(server.base);
    await other.loginAs(/bjuv\.teamledare$/);
    const theirs = await (await other.get(new URL(caseUrl).pathname)).text();
    const res = await other.post(`${new URL(caseUrl).pathname}/anteckning`, {
      csrf: other.csrfFrom(theirs), version: /name="version" value="(\d+)"/.exec(theirs)[1], body: 'Teamledarens anteckning.', visibility: 'now',
    });
    assert.equal(res.status, 303);
    await page.click('summary:has-text("Avsluta ärendet")');
    await page.fill('#close-reason', 'Familjen har flyttat.');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/steg')),
      page.click('#form-close button[type="submit"]'),
    ]);
    assert.equal(response.status(), 409);
    await page.waitForLoadState();
    assert.match(await page.textContent('.ds-error-summary'), /Någon annan ändrade ärendet/);
    assert.equal(await page.inputValue('#close-reason'), 'Familjen har flyttat.');
    assert.match(await page.textContent('main'), /Teamledarens anteckning/);
    assert.deepEqual(await axe(page), []);

    // The reports about an identified child.
    await page.goto(`${server.base}/arbete?sort=received`);
    const withPerson = await page.locator('main a[href^="/arbete/arende/"]').all();
    for (const link of withPerson) {
      await page.goto(server.base + await link.getAttribute('href'));
      const anchor = page.locator('a:has-text("Alla orosanmälningar om barnet")');
      if (await anchor.count() === 0) { await page.goBack(); continue; }
      await anchor.click();
      assert.match(await page.textContent('h1'), /^Orosanmälningar om /);
      assert.ok(await page.locator('td[data-label="Vad hände"]').count() > 0);
      assert.deepEqual(await axe(page), []);
      break;
    }
  } catch (e) {
    // What the browser showed and what the server said, for a failure seen only in CI.
    const shown = await page.textContent('main', { timeout: 2000 }).catch(() => '(no page)');
    e.message += `\n at ${page.url()}:\n${String(shown).replace(/\s+/g, ' ').slice(0, 1500)}\n server: ${server.stderr.slice(-1500)}`;
    throw e;
  } finally {
    await ctx.close();
  }
});

test('on a 360 px screen the worklist stacks and never scrolls sideways', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  try {
    await page.setViewportSize({ width: 360, height: 740 });
    await login(page, 'bjuv.handlaggare');
    for (const p of ['/arbete', '/arbete?closed=1&sort=reference']) {
      await page.goto(server.base + p);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${p} is ${overflow}px wider than the screen`);
      // Each cell says what it is, from its column heading.
      const label = await page.evaluate(() => getComputedStyle(document.querySelector('.nara-worklist td'), '::before').content);
      assert.equal(label, '"Ärende: "');
      assert.deepEqual(await axe(page), []);
    }
    await page.click('.nara-worklist a.nara-ref >> nth=0');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the case page is ${overflow}px wider than the screen`);
  } finally {
    await ctx.close();
  }
});

test('without JavaScript the worklist filter and a move of the case work', async () => {
  const ctx = await browser({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    await login(page, 'bjuv.handlaggare');
    await page.check('#f-mine');
    await page.click('button:has-text("Visa ärendena")');
    assert.match(page.url(), /mine=1/);
    await page.click('a:has-text("Registrera en orosanmälan")');
    await page.fill('#child_name', `Utan skript ${unique()}`);
    await page.check('#reporter_kind-anonymous');
    await page.fill('#concern', 'Barnet verkar rädd.');
    await page.click('button:has-text("Registrera anmälan")');
    await page.click('a:has-text("Gå till ärendet")');
    await page.click('summary:has-text("Inled inte utredning")');
    await page.check('#not_open-child_heard-1');
    await page.fill('#not_open-reason', 'Ingen oro efter samtal.');
    await page.click('#form-not_open button[type="submit"]');
    assert.match(await page.textContent('main'), /Beslutet att inte inleda utredning är sparat/);
    assert.match(await page.textContent('main'), /<?Avslutat/);
  } finally {
    await ctx.close();
  }
});
