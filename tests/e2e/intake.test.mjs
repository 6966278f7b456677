// The ways in, in Chromium: a citizen applies for family support with an
// attachment, through the choice page, an error state and the receipt, and
// downloads the file; anyone reports a concern about a child and asks about
// it with the code. axe-core (WCAG 2.1 AA) on every page and every error
// state, in Swedish and in English; no Content-Security-Policy error; and
// at the width of a small phone (360 px) nothing runs off the side.
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

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

let server, browser, dir;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-intake-'));
  browser = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const r = await stopServer(server);
  assert.equal(r.code, 0, server.stderr.slice(-2000));
});

// axe is evaluated through the DevTools protocol, which the CSP does not govern.
async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

// A page in its own tab, collecting console errors (a CSP refusal shows there).
async function open(url, { lang = 'sv', width } = {}) {
  const page = await browser.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  await page.setExtraHTTPHeaders({ 'Accept-Language': lang });
  if (width) await page.setViewportSize({ width, height: 740 });
  const resp = await page.goto(url);
  return { page, resp };
}

async function checked(page, what) {
  assert.deepEqual(await axe(page), [], what);
  assert.deepEqual(page.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], what);
}

// Nothing wider than the window: no sideways scrolling on a phone.
async function fitsWidth(page, what) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `${what}: ${scroll}px wide in a ${client}px window`);
}

// The browser logs in as a Perstorp citizen, whom no other test uses, and
// logs out at the end of each test: other tests count people's sessions.
async function loginAsCitizen(page) {
  const { list } = await new Client(server.base).accounts();
  const account = list.find((a) => a.value.startsWith('citizen:') && a.label.endsWith(', Perstorp'));
  await page.goto(`${server.base}/login?next=/ansok`);
  await page.click(`button[value="${account.value}"]`);
  assert.equal(new URL(page.url()).pathname, '/ansok');
  return account;
}

// Waits for the logout to land before the test goes on: closing a page in
// the middle of a navigation can hang Chromium.
async function logout(page) {
  await page.click('button:has-text("Logga ut"), button:has-text("Log out")');
  await page.waitForURL(/\/\?utloggad=1$/);
}

// Closes a page once whatever it was loading has loaded (see logout).
async function close(page) {
  await page.waitForLoadState('load');
  await page.close();
}

test('a citizen applies with an attachment: choice, errors, receipt, download', async () => {
  const { page } = await open(`${server.base}/`);
  await loginAsCitizen(page);
  assert.equal((await page.textContent('h1')).trim(), 'Ansök om stöd');
  assert.ok(await page.isChecked('#m-perstorp'), 'the municipality of the records is chosen');
  await checked(page, '/ansok');

  // Continue without choosing the kind: the summary says what is missing.
  await page.click('button:has-text("Fortsätt")');
  assert.match(await page.title(), /^Fel: /);
  assert.match(await page.textContent('.ds-error-summary'), /Välj vad du behöver hjälp med/);
  await checked(page, '/ansok with an error');
  await page.check('#k-familjestod');
  await page.click('button:has-text("Fortsätt")');
  assert.equal(new URL(page.url()).pathname, '/ansok/perstorp/familjestod');
  assert.equal((await page.textContent('h1')).trim(), 'Ansökan om stöd till familjen');
  await checked(page, 'the form');

  // Send it empty: every question that must be answered says so, and the
  // summary's links lead to the fields.
  await page.click('button:has-text("Skicka ansökan")');
  assert.match(await page.title(), /^Fel: /);
  const summary = await page.$$eval('.ds-error-summary a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(summary, ['#f-for_whom', '#f-children', '#f-other_guardian', '#f-areas', '#f-describe', '#f-interpreter']);
  for (const href of summary) assert.ok(await page.$(href), `${href} exists`);
  assert.equal(await page.getAttribute('#f-describe', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#f-describe', 'aria-describedby'), /e-describe/);
  await checked(page, 'the form with errors');

  // Fill it in, with a file that is not what its name says.
  await page.check('#f-for_whom-2');
  await page.fill('#f-children', '2');
  await page.check('#f-other_guardian-2');
  await page.check('#f-areas');
  await page.check('#f-areas-3');
  await page.fill('#f-describe', 'Sonen vill inte gå till skolan och vi bråkar varje morgon.');
  await page.check('#f-interpreter');
  await page.setInputFiles('#f-documents', { name: 'intyg.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a pdf') });
  await page.click('button:has-text("Skicka ansökan")');
  assert.match(await page.textContent('#e-documents'), /Filen ”intyg\.pdf” är inte en PDF, PNG eller JPEG/);
  // What was answered is still there, and the condition now asks for a language.
  assert.ok(await page.isChecked('#f-for_whom-2'));
  assert.equal(await page.inputValue('#f-describe'), 'Sonen vill inte gå till skolan och vi bråkar varje morgon.');
  assert.match(await page.textContent('#e-interpreter_language'), /Svara på frågan/);
  await checked(page, 'the form with a wrong file');

  await page.fill('#f-interpreter_language', 'arabiska');
  await page.setInputFiles('#f-documents', { name: 'intyg från skolan.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.click('button:has-text("Skicka ansökan")');
  assert.match(new URL(page.url()).pathname, /^\/ansok\/kvitto\/\d+$/);
  assert.equal((await page.textContent('h1')).trim(), 'Tack! Din ansökan är skickad');
  assert.match(await page.textContent('.nara-receipt'), /^PERSTORP-\d{4}-\d{6}$/);
  assert.match(await page.getAttribute('a:has-text("Se ärendet")', 'href'), /^\/mina-sidor\/arenden\/\d+$/);
  await checked(page, 'the receipt');

  // The attachment comes back as a download, the same bytes.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a:has-text("intyg från skolan.pdf")'),
  ]);
  assert.equal(download.suggestedFilename(), 'intyg från skolan.pdf');
  assert.deepEqual(fs.readFileSync(await download.path()), PDF);

  // The case on Mina sidor: the answers in its file, the document with them.
  await page.click('a:has-text("Se ärendet")');
  assert.match(new URL(page.url()).pathname, /^\/mina-sidor\/arenden\/\d+$/);
  assert.match(await page.textContent('main'), /Sonen vill inte gå till skolan och vi bråkar varje morgon\./);
  assert.ok(await page.$('main a[href^="/dokument/"]:has-text("intyg från skolan.pdf")'));
  await checked(page, 'the case on Mina sidor');
  await logout(page);
  await close(page);
});

test('every application form passes axe, in Swedish and English, and fits a phone', async () => {
  const { page } = await open(`${server.base}/`);
  await loginAsCitizen(page);
  for (const form of ['ekonomiskt-bistand', 'familjestod', 'stod-och-hjalp', 'stod-vid-vald']) {
    for (const lang of ['sv', 'en']) {
      await page.setExtraHTTPHeaders({ 'Accept-Language': lang });
      await page.setViewportSize({ width: lang === 'sv' ? 360 : 1280, height: 740 });
      await page.goto(`${server.base}/ansok/perstorp/${form}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await checked(page, `${form} (${lang})`);
      if (lang === 'sv') await fitsWidth(page, form);
      // And with every error it can show at once.
      await page.click('button[type="submit"]:not([data-variant])');
      assert.ok(await page.$('.ds-error-summary'), `${form} (${lang}) shows its errors`);
      await checked(page, `${form} (${lang}) with errors`);
      if (lang === 'sv') await fitsWidth(page, `${form} with errors`);
    }
  }
  // The financial form's own kinds of field: a month, an amount with its unit.
  await page.setExtraHTTPHeaders({ 'Accept-Language': 'sv' });
  await page.goto(`${server.base}/ansok/perstorp/ekonomiskt-bistand`);
  assert.equal(await page.getAttribute('#f-month', 'type'), 'month');
  assert.equal(await page.getAttribute('#f-rent', 'inputmode'), 'numeric');
  assert.match(await page.getAttribute('#f-rent', 'aria-describedby'), /u-rent/);
  assert.match(await page.textContent('#c-salary'), /Svara bara om du har svarat ”Ja” på frågan/);
  await logout(page);
  await close(page);
});

test('a report of concern in the browser: form, errors, receipt, status by code (R1.5)', async () => {
  for (const width of [1280, 360]) {
    const { page, resp } = await open(`${server.base}/orosanmalan`, { width });
    assert.equal(resp.status(), 200);
    await checked(page, '/orosanmalan');
    if (width === 360) await fitsWidth(page, '/orosanmalan');
    await page.click('a[href="/orosanmalan/hoganas"]');
    assert.equal((await page.textContent('h1')).trim(), 'Orosanmälan till socialtjänsten i Höganäs');
    await checked(page, 'the report form');
    if (width === 360) await fitsWidth(page, 'the report form');

    // A professional who forgets the workplace.
    await page.fill('#f-child_name', 'Ebba Exempel');
    await page.fill('#f-concern', 'Ebba har sagt att hon inte vågar gå hem.');
    await page.check('#f-reporter_kind-professional');
    await page.fill('#f-reporter_name', 'Eva Skolsköterska');
    await page.click('button:has-text("Skicka anmälan")');
    const summary = await page.$$eval('.ds-error-summary a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(summary, ['#f-reporter_organisation', '#f-reporter_profession-school']);
    assert.equal(await page.inputValue('#f-concern'), 'Ebba har sagt att hon inte vågar gå hem.');
    await checked(page, 'the report form with errors');
    if (width === 360) await fitsWidth(page, 'the report form with errors');

    await page.fill('#f-reporter_organisation', 'Höganäs skola');
    await page.check('#f-reporter_profession-school');
    await page.click('button:has-text("Skicka anmälan")');
    assert.equal(new URL(page.url()).pathname, '/orosanmalan/kvitto');
    const code = (await page.textContent('#receipt-code')).trim();
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    assert.match(await page.textContent('main'), /Ring 112/);
    await checked(page, 'the receipt');
    if (width === 360) await fitsWidth(page, 'the receipt');
    await page.reload();
    assert.match(await page.textContent('h1'), /Koden har redan visats/);
    await checked(page, 'the receipt, shown already');

    await page.click('a[href="/orosanmalan/status"]');
    await checked(page, 'the status form');
    await page.fill('#f-code', code);
    await page.click('button:has-text("Fråga")');
    assert.equal((await page.textContent('#status-answer')).trim(),
      'Vi har tagit emot anmälan. Beslut om utredning är inte fattat än.');
    await checked(page, 'the status answer');
    await page.fill('#f-code', 'ABCD-EFGH-JKLM');
    await page.click('button:has-text("Fråga")');
    assert.match(await page.textContent('#status-answer'), /Vi hittar ingen anmälan med den koden/);
    await checked(page, 'the status of an unknown code');
    await page.click('button:has-text("Fråga")');
    assert.match(await page.textContent('#e-code'), /Skriv koden/);
    await checked(page, 'the status form with an error');
    if (width === 360) await fitsWidth(page, 'the status form');
    await close(page);
  }
  // In English too.
  const { page } = await open(`${server.base}/orosanmalan/hoganas`, { lang: 'en' });
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal((await page.textContent('h1')).trim(), 'Report of concern to the social services in Höganäs');
  await page.click('button:has-text("Send report")');
  assert.match(await page.textContent('.ds-error-summary'), /Write the child's name|child/i);
  await checked(page, 'the report form with errors (en)');
  await page.goto(`${server.base}/orosanmalan/status`);
  await checked(page, 'the status form (en)');
  await close(page);
});
