// Starts and stops real nara servers for the integration and browser tests.
// The binary is the sanitizer build (NARA_BIN); the database is the one
// scripts/test.sh chose (NARA_TEST_DATABASE: a SQLite file or the throwaway
// PostgreSQL), migrated and filled with the demo data once.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

export const BIN = process.env.NARA_BIN || './build/test/nara';
export const DATABASE = process.env.NARA_TEST_DATABASE || 'sqlite:/tmp/nara-test.db';
export const ENGINE = process.env.NARA_TEST_ENGINE || 'sqlite';
// The secret key every test server and command runs with (a fixed test
// key): once a test has turned on TOTP for an account in the shared
// database, a server without the key that sealed it refuses to start.
export const SECRET_KEY = process.env.NARA_TEST_SECRET_KEY ||
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function cli(args, env = {}, input = undefined) {
  const r = spawnSync(BIN, args, {
    env: { ...process.env, NARA_DATABASE: DATABASE, NARA_SECRET_KEY: SECRET_KEY, ...env },
    encoding: 'utf8',
    timeout: 120000,
    input,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The audit log's rows, parsed: after row `after`, or of one request.
export function auditRows({ after = 0, request } = {}) {
  const args = ['audit', 'list', '--after', String(after)];
  if (request) args.push('--request', request);
  const r = cli(args);
  if (r.status !== 0) throw new Error(`nara audit list failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

// The id of the last row of the audit log.
export function auditLastId() {
  const r = cli(['audit', 'list', '--last', '1']);
  if (r.status !== 0) throw new Error(`nara audit list failed: ${r.stderr}`);
  return r.stdout ? JSON.parse(r.stdout).id : 0;
}

let prepared = false;
// Migrates and fills the demo data; idempotent, so every test file may ask.
export function prepareDatabase() {
  if (prepared) return;
  for (const args of [['migrate'], ['demo']]) {
    const r = cli(args);
    if (r.status !== 0) throw new Error(`nara ${args.join(' ')} failed: ${r.stderr}`);
  }
  prepared = true;
}

// Starts `nara serve`; resolves when /healthz answers. Keeps its stderr.
export async function startServer(env = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, ['serve'], {
    env: {
      ...process.env,
      NARA_DATABASE: DATABASE,
      NARA_LISTEN: `127.0.0.1:${port}`,
      NARA_THREADS: '2',
      NARA_SECRET_KEY: SECRET_KEY,
      // The tests log in dozens of times a second from one address; the
      // rate-limit test sets the real limits it checks.
      NARA_RATE_LOGIN: '100000/60',
      NARA_RATE_FORM: '100000/60',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = { base, port, child, stderr: '', exited: null };
  child.stderr.on('data', (d) => { server.stderr += d; });
  child.stdout.on('data', (d) => { server.stderr += d; });
  child.on('exit', (code, signal) => { server.exited = { code, signal }; });
  const deadline = Date.now() + 15000;
  for (;;) {
    if (server.exited) throw new Error(`nara exited at start: ${server.stderr}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`nara did not start: ${server.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return server;
}

// SIGTERM, then waits; returns the exit status so tests can check that the
// server shut down cleanly (sanitizers report leaks at exit).
export async function stopServer(server) {
  if (server.exited) return server.exited;
  const done = new Promise((resolve) => server.child.on('exit', (code, signal) => resolve({ code, signal })));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10000);
  const result = await done;
  clearTimeout(timer);
  return result;
}

// A raw request over TCP, for what fetch refuses to send.
export function rawRequest(port, text, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.setTimeout(timeoutMs, () => { sock.destroy(); resolve(data); });
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => resolve(data));
    sock.on('close', () => resolve(data));
    sock.on('error', (e) => (data ? resolve(data) : reject(e)));
    sock.write(text);
  });
}
