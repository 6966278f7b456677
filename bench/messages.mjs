// Data for the message figures of `make bench`, made through a running
// nara (its base URL in argv[2], with the development login on): the demo
// citizen logged in, their demo case's thread filled with MESSAGES
// messages through the form the page posts (the person and the case
// officer by turns). Prints one JSON line: the session cookie, the case's
// path and the form's CSRF token, with which scripts/bench.sh measures
// with wrk the thread's fragment and the posting of a message (the
// multipart form a browser sends without JavaScript; 303).
import { Client } from '../tests/lib/login.mjs';
import { demoAccount, demoCaseHref } from '../tests/lib/democase.mjs';

const base = process.argv[2];
const MESSAGES = Number(process.env.BENCH_MESSAGES || 50);

const account = await demoAccount(base);
const person = new Client(base);
await person.loginAs(new RegExp(`^${account.value}$`));
const href = await demoCaseHref(person);
const caseId = href.split('/').pop();
const officer = new Client(base);
await officer.loginAs(/· helsingborg\.handlaggare2$/);
const sides = [
  { client: person, path: `${href}/meddelanden`, page: href },
  { client: officer, path: `/arbete/arende/${caseId}/meddelanden`, page: `/arbete/arende/${caseId}` },
];
for (const s of sides) s.csrf = s.client.csrfFrom(await (await s.client.get(s.page)).text());
for (let i = 0; i < MESSAGES; i++) {
  const s = sides[i % 2];
  const f = new FormData();
  f.append('csrf', s.csrf);
  f.append('text', `Meddelande ${i + 1}: hur går det med ansökan? Jag skickar intyget i morgon.`);
  const r = await s.client.get(s.path, { method: 'POST', body: f });
  if (r.status !== 303) throw new Error(`message ${i + 1}: ${r.status} ${await r.text()}`);
}
console.log(JSON.stringify({ cookie: person.cookieHeader(), href, csrf: sides[0].csrf }));
