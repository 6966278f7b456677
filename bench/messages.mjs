// Secure messages under load (make bench): on a running nara (its base URL
// in argv[2], with the development login on), the demo citizen and the
// demo case's officer post messages to the demo case through the form
// the page posts without JavaScript (multipart, CSRF token, 303), the
// person and the officer by turns, from CONNECTIONS concurrent clients
// for SECONDS seconds; then the thread as the script fetches it. Each
// post is one transaction: the policy check, the message, its audit row,
// the thread's version and the read receipt, and the notification. Prints
// requests per second and the latency spread.
import { Client } from '../tests/lib/login.mjs';
import { demoAccount, demoCaseHref } from '../tests/lib/democase.mjs';

const base = process.argv[2];
const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_MESSAGE_CONNECTIONS || 16);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

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

async function run(label, request) {
  const times = [];
  let failed = 0;
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < end) {
      const i = n++;
      const t0 = performance.now();
      const ok = await request(i);
      times.push(performance.now() - t0);
      if (!ok) failed++;
    }
  }));
  times.sort((a, b) => a - b);
  const rps = times.length / SECONDS;
  console.log(`${label}: ${times.length} in ${SECONDS} s from ${CONNECTIONS} clients: ${rps.toFixed(0)} req/s,`
    + ` p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, failed ${failed}`);
}

await run('message posted (form, multipart, 303)', async (i) => {
  const s = sides[i % 2];
  const f = new FormData();
  f.append('csrf', s.csrf);
  f.append('text', `Mätmeddelande ${i}: hur går det med ansökan?`);
  const r = await s.client.get(s.path, { method: 'POST', body: f });
  await r.arrayBuffer();
  return r.status === 303;
});

await run('thread read (the fragment, newest 1,000 messages)', async (i) => {
  const s = sides[i % 2];
  const r = await s.client.get(s.path);
  await r.arrayBuffer();
  return r.status === 200;
});
