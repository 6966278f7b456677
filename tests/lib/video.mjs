// What the video tests need around nara: a real coturn on loopback with
// a shared secret, and meetings booked at chosen times. The bookings are
// written straight into the test database (sqlite3 or psql), because the
// tests need meetings the booking pages rightly refuse to make: one that
// has ended, one that starts tomorrow.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATABASE, freePort } from './nara.mjs';

// One SQL statement against the test database; the rows as arrays of text.
export function sql(statement) {
  const r = DATABASE.startsWith('sqlite:')
    ? spawnSync('sqlite3', ['-batch', '-separator', '\t', DATABASE.slice(7), statement], { encoding: 'utf8' })
    : spawnSync('psql', [DATABASE, '-Atq', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sql failed: ${r.stderr}\n${statement}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

export function staffId(username) {
  const rows = sql(`SELECT id FROM staff_user WHERE username = '${username}'`);
  if (!rows.length) throw new Error(`no staff user ${username}`);
  return Number(rows[0][0]);
}

// A meeting of the person (personnummer `pnr`, in municipality `slug`)
// with officer and interpreter (staff ids; the interpreter one of the
// shared interpreter service), from `starts` to `ends` (Unix seconds).
// It holds no time (booking_cell): it is not found free or taken by the
// booking pages. Returns its id.
export function bookMeeting({ slug = 'helsingborg', pnr, officer, interpreter = null,
  starts, ends, kind = 'video', state = 'booked' }) {
  const [[municipality, unit, person]] = sql(
    `SELECT m.id, u.id, p.id FROM municipality m JOIN unit u ON u.municipality_id = m.id
     JOIN person p ON p.municipality_id = m.id
     WHERE m.slug = '${slug}' AND u.slug = 'barn-och-familj' AND p.personnummer = '${pnr}'`);
  const now = Math.floor(Date.now() / 1000);
  // An interpreter comes with their shared unit and the agreement it
  // serves the municipality under, as booking.c books one.
  let interp = { staff: 'NULL', unit: 'NULL', agreement: 'NULL', language: '', mode: '' };
  if (interpreter !== null) {
    const [[iunit, agreement]] = sql(
      `SELECT u.id, MIN(a.id) FROM staff_role r JOIN unit u ON u.id = r.unit_id AND u.kind = 'interpreter'
       JOIN agreement_unit au ON au.unit_id = u.id JOIN agreement a ON a.id = au.agreement_id
       WHERE r.user_id = ${interpreter} AND r.role = 'shared_service'
       AND (a.host_municipality_id = ${municipality} OR EXISTS (SELECT 1 FROM agreement_member m
         WHERE m.agreement_id = a.id AND m.municipality_id = ${municipality}))
       GROUP BY u.id`);
    interp = { staff: interpreter, unit: iunit, agreement, language: 'ar', mode: 'remote' };
  }
  const [[id]] = sql(
    `INSERT INTO booking (municipality_id, unit_id, person_id, staff_id, kind, state,
       starts_at, ends_at, interpreter_staff_id, interpreter_unit_id, interpreter_agreement_id,
       interpreter_language, interpreter_mode, booked_by_kind, booked_by_id, created_at, updated_at)
     VALUES (${municipality}, ${unit}, ${person}, ${officer}, '${kind}', '${state}',
       ${starts}, ${ends}, ${interp.staff}, ${interp.unit}, ${interp.agreement},
       '${interp.language}', '${interp.mode}', 'staff', ${officer}, ${now}, ${now})
     RETURNING id`);
  return Number(id);
}

// coturn on 127.0.0.1 with a fresh shared secret, relaying only on
// loopback (which coturn refuses unless told: --allow-loopback-peers).
export async function startTurn() {
  const port = await freePort();
  const secret = crypto.randomBytes(24).toString('hex');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nara-turn-'));
  const minPort = 40000 + Math.floor(Math.random() * 20000);
  const conf = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(conf, [
    'listening-ip=127.0.0.1', 'relay-ip=127.0.0.1', `listening-port=${port}`,
    'use-auth-secret', `static-auth-secret=${secret}`, 'realm=nara.test',
    'fingerprint', 'no-tls', 'no-dtls', 'no-cli', 'allow-loopback-peers',
    `min-port=${minPort}`, `max-port=${minPort + 200}`,
    `pidfile=${path.join(dir, 'turnserver.pid')}`, `userdb=${path.join(dir, 'turndb')}`,
    'log-file=stdout', 'simple-log', 'verbose', '',
  ].join('\n'));
  const child = spawn('turnserver', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  const turn = { port, secret, dir, child, log: '', exited: null };
  child.stdout.on('data', (d) => { turn.log += d; });
  child.stderr.on('data', (d) => { turn.log += d; });
  child.on('exit', (code, signal) => { turn.exited = { code, signal }; });
  const deadline = Date.now() + 10000;
  while (!/listener opened on|Total General servers/i.test(turn.log)) {
    if (turn.exited) throw new Error(`turnserver exited: ${turn.log}`);
    if (Date.now() > deadline) throw new Error(`turnserver did not start: ${turn.log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  turn.url = `turn:127.0.0.1:${port}?transport=udp`;
  return turn;
}

export async function stopTurn(turn) {
  if (!turn) return;
  if (!turn.exited) {
    const done = new Promise((resolve) => turn.child.on('exit', resolve));
    turn.child.kill('SIGTERM');
    const timer = setTimeout(() => turn.child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  }
  fs.rmSync(turn.dir, { recursive: true, force: true });
}
