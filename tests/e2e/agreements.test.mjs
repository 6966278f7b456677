// Agreements (R3.3) and a case handed over when a person moves (R3.4) in
// Chromium, axe on every page: Helsingborg's administrator records an
// agreement (first without a member, then right) and sees its versions;
// a Bjuv case officer hands a case over with a disclosure decision;
// Helsingborg's case officer finds it among the handovers, opens the
// package and accepts it into a new case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';
import { sql as rows } from '../lib/video.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, browser, dir;
before(async () => {
  prepareDatabase();
  server = await startServer({ NARA_DEV_LOGIN: '1' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-agreements-'));
  browser = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'sv-SE',
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

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

async function logout(page) {
  await page.click('button:has-text("Logga ut")');
  await page.waitForURL(/\/\?utloggad=1$/);
}

const tomorrow = () => new Date(Date.now() + 86400000).toISOString().slice(0, 10);

test('the administrator records an agreement and reads its versions', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/login?next=%2Farbete`);
  await page.click('button:has-text("helsingborg.admin")');
  await page.click('a:has-text("Avtal om samverkan")');
  assert.equal(new URL(page.url()).pathname, '/arbete/avtal');
  assert.match(await page.textContent('main'), /Avtal om digital tolktjänst/);
  assert.deepEqual(await axe(page), []);

  await page.fill('#a-name', 'Avtal om socialjour');
  await page.fill('#a-services', 'Socialjour på kvällar och helger.');
  await page.check('label:has-text("Digital tolktjänst") >> xpath=preceding-sibling::input');
  await page.check('#d-decide');
  await page.fill('#a-from', tomorrow());
  const refused = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.click('button:has-text("Registrera avtalet")');
  assert.equal((await refused).status(), 400);
  assert.match(await page.textContent('[role="alert"]'), /Välj minst en medlemskommun/);
  assert.deepEqual(await axe(page), []);

  await page.check('label:has-text("Bjuv") >> xpath=preceding-sibling::input');
  await page.click('button:has-text("Registrera avtalet")');
  assert.match(new URL(page.url()).pathname, /^\/arbete\/avtal\/\d+$/);
  assert.equal((await page.textContent('h1')).trim(), 'Avtal om socialjour');
  assert.match(await page.textContent('main'), /Avtalet är sparat/);
  assert.match(await page.textContent('main'), /Fatta beslut/);
  assert.deepEqual(await axe(page), []);
  await logout(page);
  await page.close();
});

test('a case handed over: the officer sends the package, the new municipality accepts it', async () => {
  const [[caseId]] = rows(`SELECT c.id FROM case_file c JOIN unit u ON u.id = c.unit_id JOIN municipality m ON m.id = c.municipality_id
    WHERE m.slug = 'klippan' AND u.slug = 'barn-och-familj' AND c.state = 'intervention' ORDER BY c.id LIMIT 1`);
  // Klippan's: tests/integration/handover.test.mjs hands over Bjuv's, and
  // the suites share one database.
  const page = await browser.newPage();
  await page.goto(`${server.base}/login?next=%2Farbete%2Farende%2F${caseId}`);
  await page.click('button:has-text("klippan.handlaggare")');
  await page.click('a:has-text("Lämna över ärendet till en annan kommun")');
  assert.equal(new URL(page.url()).pathname, `/arbete/arende/${caseId}/overlamna`);
  assert.deepEqual(await axe(page), []);
  await page.selectOption('#h-to', { label: 'Helsingborg' });
  await page.check('label:has-text("Hembesök") >> xpath=preceding-sibling::input');
  await page.check('#l-transfer');
  await page.fill('#h-decided-by', 'Bo Ek, enhetschef');
  await page.fill('#h-reasons', 'Familjen har flyttat till Helsingborg.');
  await page.click('button:has-text("Lämna över ärendet")');
  assert.match(await page.textContent('main'), /Överlämningen är skickad/);
  assert.deepEqual(await axe(page), []);
  // Taking it back asks why; without one the offer stands.
  await page.click('summary:has-text("Ta tillbaka överlämningen")');
  await page.click('form[action$="/aterkalla"] button[type="submit"]');
  assert.match(await page.textContent('form[action$="/aterkalla"] .ds-validation-message'),
    /Skriv varför du tar tillbaka överlämningen/);
  assert.deepEqual(await axe(page), []);
  await logout(page);

  await page.goto(`${server.base}/login?next=%2Farbete`);
  await page.click('button:has-text("helsingborg.handlaggare")');
  await page.click('a:has-text("Överlämnade ärenden från andra kommuner")');
  assert.equal(new URL(page.url()).pathname, '/arbete/overlamningar');
  assert.deepEqual(await axe(page), []);
  // This case's package (the integration suite leaves others in the list).
  const [[handover]] = rows(`SELECT MAX(id) FROM handover WHERE from_case_id = ${caseId}`);
  await page.click(`main a[href="/arbete/overlamningar/${handover}"]`);
  assert.match(await page.textContent('main'), /Hembesök/);
  assert.match(await page.textContent('main'), /SoL 2 a kap\. 10 §/);
  assert.deepEqual(await axe(page), []);
  await page.selectOption('#a-unit', { label: 'Barn och familj' });
  await page.click('button:has-text("Ta emot ärendet")');
  assert.match(new URL(page.url()).pathname, /^\/arbete\/arende\/\d+$/);
  assert.notEqual(new URL(page.url()).pathname, `/arbete/arende/${caseId}`);
  assert.match(await page.textContent('main'), /Ärendet överlämnades från Klippan/);
  assert.deepEqual(await axe(page), []);
  await logout(page);
  await page.close();
});
