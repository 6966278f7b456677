// The live pages under load (make bench): STREAMS server-sent event
// streams follow the demo citizen's case on a running nara (its base URL
// in argv[2], with the development login on); then a note is written to
// the case ROUNDS times (the person's comment through the page's form,
// journal_add like any note), and for each the time from sending the
// note to its event reaching each stream is taken. Prints the spread
// over all streams and rounds, and the time until the last stream heard.
//
// The client is one Node process reading every stream, so the figures
// include its own work on a thousand sockets: an upper bound of what a
// browser would see.
import { Client } from '../tests/lib/login.mjs';
import { openStream } from '../tests/lib/sse.mjs';
import { demoAccount, demoCaseHref } from '../tests/lib/democase.mjs';

const base = process.argv[2];
const STREAMS = Number(process.env.BENCH_STREAMS || 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 20);
const PER_LOGIN = 16; // the server's bound of streams per session

async function citizen() {
  const account = await demoAccount(base);
  const c = new Client(base);
  await c.loginAs(new RegExp(`^${account.value}$`));
  return c;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const writer = await citizen();
const href = await demoCaseHref(writer);

const streams = [];
for (let i = 0; i < STREAMS; i += PER_LOGIN) {
  const login = await citizen();
  const n = Math.min(PER_LOGIN, STREAMS - i);
  const opened = await Promise.all(Array.from({ length: n }, () =>
    openStream(base, `${href}/handelser`, login.cookieHeader())));
  for (const s of opened) {
    if (s.status !== 200) throw new Error(`stream refused: ${s.status}`);
    streams.push(s);
  }
}
await Promise.all(streams.map((s) => s.next((e) => e.retry !== undefined, 10000)));

const csrf = writer.csrfFrom(await (await writer.get(href)).text());
const all = [];
const lasts = [];
for (let round = 0; round < ROUNDS; round++) {
  const from = streams.map((s) => s.events.length);
  const sent = performance.now();
  const r = await writer.post(`${href}/kommentar`, { csrf, text: `Mätning ${round + 1}` });
  if (r.status !== 303) throw new Error(`the note was not saved: ${r.status}`);
  const got = await Promise.all(streams.map((s, i) => s.next((e) => e.event === 'change', 10000, from[i])));
  const times = got.map((e) => e.at - sent).sort((a, b) => a - b);
  all.push(...times);
  lasts.push(times[times.length - 1]);
  await new Promise((ok) => setTimeout(ok, 100));
}
for (const s of streams) s.close();

all.sort((a, b) => a - b);
lasts.sort((a, b) => a - b);
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`live: ${STREAMS} streams on one case, ${ROUNDS} notes written`);
console.log(`  note written -> event at a stream: p50 ${ms(percentile(all, 50))}, p99 ${ms(percentile(all, 99))}, max ${ms(all[all.length - 1])}`);
console.log(`  note written -> event at the last of the ${STREAMS} streams: median ${ms(percentile(lasts, 50))}, worst ${ms(lasts[lasts.length - 1])}`);
