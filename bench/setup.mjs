// Data for the logged-in pages of `make bench`, made the way people make
// it, through a running nara (its base URL in argv[2], with the
// development login on): a case officer in Helsingborg gets CASES reports
// of concern in the unit's worklist, and a Helsingborg citizen a case with
// NOTES journal notes released to them. Prints one JSON line: the paths to
// measure and the session cookies to measure them with.
import { Client } from '../tests/lib/login.mjs';

const base = process.argv[2];
const CASES = Number(process.env.BENCH_CASES || 50);
const NOTES = Number(process.env.BENCH_NOTES || 50);

async function api(client, method, path, body, csrf) {
  const headers = { 'Content-Type': 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await (client
    ? client.get(path, { method, headers, body: body && JSON.stringify(body) })
    : fetch(base + path, { method, headers, body: body && JSON.stringify(body) }));
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const officer = new Client(base);
await officer.loginAs(/helsingborg\.handlaggare$/);
const { csrf } = await api(officer, 'GET', '/api/v1/me');

// The citizen: the second Helsingborg citizen of the development login
// (the first has the demo's own case).
const { list } = await new Client(base).accounts();
const citizens = list.filter((a) => a.value.startsWith('citizen:') && a.label.endsWith(', Helsingborg'));
const pnr = citizens[1].value.slice(8);
await api(null, 'POST', '/api/v1/reports', {
  municipality: 'helsingborg', child_name: 'Bänk Barnsson', child_personnummer: pnr,
  reporter_kind: 'professional', reporter_name: 'Lärare Lärarsson',
  reporter_organisation: 'Skolan', reporter_profession: 'school',
  concern: 'Barnet har varit frånvarande i tre veckor.',
});
for (let i = 1; i < CASES; i++)
  await api(null, 'POST', '/api/v1/reports', {
    municipality: 'helsingborg', child_name: `Barn ${i} Bänksson`,
    reporter_kind: 'anonymous', concern: `Oro nummer ${i}: barnet verkar ledset och hungrigt.`,
  });

const work = await api(officer, 'GET', '/api/v1/worklist');
const person = new Client(base);
await person.loginAs(new RegExp(`^citizen:${pnr}$`));
const own = await api(person, 'GET', '/api/v1/my/cases');
// Their newest case is the one the report above opened.
const caseId = Math.max(...own.cases.map((c) => c.id));
const text = 'Vi har pratat med familjen om hur veckan har gått, vad som fungerar i'
  + ' skolan och vad som behöver hända härnäst. Mamma berättar att det är lugnare'
  + ' hemma och att barnet sover bättre. Vi ses igen om två veckor.';
for (let i = 1; i <= NOTES; i++)
  await api(officer, 'POST', `/api/v1/cases/${caseId}/notes`, { body: `${i}. ${text}` }, csrf);
const view = await api(person, 'GET', `/api/v1/my/cases/${caseId}`);
if (view.notes.length < NOTES) throw new Error(`the citizen sees ${view.notes.length} notes`);

// The citizen's booking page: the free times of Helsingborg's first-line
// worker over two weeks, from the published hours and the held cells.
const bookHtml = await (await person.get('/mina-sidor/moten/boka')).text();
const host = [...bookHtml.matchAll(/href="(\/mina-sidor\/moten\/boka\?hos=[0-9-]+)">([^<]*)</g)]
  .find((m) => /Första linjen, Helsingborg – (?!mottagningen)/.test(m[2]));
if (!host) throw new Error('no first-line hours in Helsingborg');

console.log(JSON.stringify({
  worklist: work.cases.length,
  notes: NOTES,
  pages: [
    { label: 'citizen case, 50 notes', path: `/mina-sidor/arenden/${caseId}`, cookie: person.cookieHeader() },
    { label: 'officer worklist', path: '/arbete', cookie: officer.cookieHeader() },
    { label: 'citizen booking page, two weeks of free times', path: host[1], cookie: person.cookieHeader() },
  ],
}));
