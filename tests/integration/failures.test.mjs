// When the database is missing, locked or restarting: a clear 503 page,
// the server keeps serving, and it recovers by itself when the database is
// back. Nothing is half-written: those are unit-tested per engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATABASE, ENGINE, cli, prepareDatabase, startServer, stopServer } from '../lib/nara.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a missing database: 503 page, /healthz up, /readyz down', async () => {
  const url = ENGINE === 'sqlite'
    ? `sqlite:${path.join(os.tmpdir(), `nara-missing-${process.pid}`, 'none.db')}`
    : 'postgresql://postgres@127.0.0.1:1/nara?connect_timeout=2';
  const server = await startServer({ NARA_DATABASE: url });
  try {
    const r = await fetch(`${server.base}/kommun/bjuv`);
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '30');
    assert.match(await r.text(), /Tjänsten är inte tillgänglig just nu/);
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.base}/readyz`)).status, 503);
    // Pages that need no database still work.
    assert.equal((await fetch(`${server.base}/om/tillganglighet`)).status, 200);
  } finally {
    const s = await stopServer(server);
    assert.equal(s.code, 0, server.stderr.slice(-2000));
  }
});

test('a locked SQLite database: 503 while locked, 200 after', { skip: ENGINE !== 'sqlite' }, async () => {
  prepareDatabase();
  const file = DATABASE.slice('sqlite:'.length);
  const server = await startServer();
  // Another process takes the database for itself: sqlite3 in EXCLUSIVE
  // locking mode, holding a write it never commits (in WAL mode a reader
  // is never blocked by a writer, and EXCLUSIVE locking mode only shuts
  // other processes out once this connection has written). It stops at the
  // first error (.bail); the lock counts as taken only when the line after
  // the write comes back. On a loaded machine the server may hold a read
  // at that moment for longer than sqlite3 waits: then a new sqlite3 tries
  // again, up to ten times, and a lock never got fails this test.
  let locker, lockerErr = '', exited;
  for (let attempt = 0; attempt < 10 && !locker; attempt++) {
    const p = spawn('sqlite3', [file], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    lockerErr = '';
    p.stderr.on('data', (d) => { lockerErr += d; });
    const gone = new Promise((resolve) => p.on('exit', () => resolve(false)));
    const held = new Promise((resolve) => p.stdout.on('data', (d) => {
      out += d;
      if (/LOCK-HELD/.test(out)) resolve(true);
    }));
    p.stdin.write('.bail on\n.timeout 3000\nPRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\n' +
      "UPDATE directory_version SET version = version;\nSELECT 'LOCK-HELD';\n");
    if (await Promise.race([held, gone])) {
      locker = p;
      exited = gone;
    } else {
      await sleep(500);
    }
  }
  if (!locker) {
    await stopServer(server);
    assert.fail(`sqlite3 could not lock the database: ${lockerErr}`);
  }
  try {
    // On a loaded machine the locker's exclusive hold can reach the
    // server's next read a moment after sqlite3 answers: ask for up to 5 s.
    let r;
    for (let i = 0; i < 50; i++) {
      r = await fetch(`${server.base}/kommun/bjuv`);
      if (r.status === 503) break;
      await r.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(r.status, 503, `locker said: ${lockerErr}`);
    assert.match(await r.text(), /Tjänsten är inte tillgänglig just nu/);
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
  } finally {
    locker.stdin.end('ROLLBACK;\n.quit\n');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    locker.kill('SIGKILL');
  }
  try {
    const r = await fetch(`${server.base}/kommun/bjuv`);
    assert.equal(r.status, 200);
  } finally {
    const s = await stopServer(server);
    assert.equal(s.code, 0, server.stderr.slice(-2000));
  }
});

test('PostgreSQL restarts in the middle of a run: clear answers, then recovery', { skip: ENGINE !== 'postgresql' || !process.env.NARA_TEST_PG_DIR }, async () => {
  prepareDatabase();
  const server = await startServer();
  const statuses = [];
  let running = true;
  const load = (async () => {
    while (running) {
      const r = await fetch(`${server.base}/kommun/helsingborg`).catch(() => null);
      statuses.push(r ? r.status : 'error');
      if (r) await r.arrayBuffer();
      await sleep(10);
    }
  })();
  try {
    await sleep(300);
    const restart = spawnSync('bash', ['scripts/pg-throwaway.sh', 'restart', process.env.NARA_TEST_PG_DIR], { encoding: 'utf8' });
    assert.equal(restart.status, 0, restart.stderr);
    await sleep(1000);
    running = false;
    await load;
    // Every request got an answer: a page, or the 503 page while down.
    for (const s of statuses) assert.ok(s === 200 || s === 503, `got ${s}`);
    // And now the server serves again without being restarted.
    const r = await fetch(`${server.base}/kommun/helsingborg`);
    assert.equal(r.status, 200);
    assert.equal((await fetch(`${server.base}/readyz`)).status, 200);
  } finally {
    running = false;
    const s = await stopServer(server);
    assert.equal(s.code, 0, server.stderr.slice(-2000));
  }
});

test('nara audit verify passes on the demo and detects an edited row', { skip: ENGINE !== 'sqlite' }, async () => {
  prepareDatabase();
  let r = cli(['audit', 'verify']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\d+ rows/);
  const file = DATABASE.slice('sqlite:'.length);
  const copy = path.join(os.tmpdir(), `nara-tamper-${process.pid}.db`);
  fs.copyFileSync(file, copy);
  for (const ext of ['-wal', '-shm']) if (fs.existsSync(file + ext)) fs.copyFileSync(file + ext, copy + ext);
  const sql = 'DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = \'edited\' WHERE id = 3;';
  const t = spawnSync('sqlite3', [copy, sql], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  r = cli(['audit', 'verify'], { NARA_DATABASE: `sqlite:${copy}` });
  assert.equal(r.status, 1);
  assert.match(r.stderr + r.stdout, /row 3/);
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(copy + ext, { force: true });
});

test('nara user add creates a staff account with a role, and refuses what it cannot do', () => {
  prepareDatabase();
  const name = `test.user.${process.pid}`;
  let r = cli(['user', 'add', '--municipality', 'klippan', '--username', name, '--name', 'Test Testsson',
    '--unit', 'vuxen', '--role', 'case_officer']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`added ${name.replace(/\./g, '\\.')}`));
  r = cli(['user', 'list', '--municipality', 'klippan']);
  assert.match(r.stdout, new RegExp(`${name.replace(/\./g, '\\.')} +Test Testsson +case_officer@vuxen`));
  r = cli(['user', 'add', '--municipality', 'klippan', '--username', name, '--name', 'Again']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is taken/);
  r = cli(['user', 'add', '--municipality', 'atlantis', '--username', 'x', '--name', 'X']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no municipality 'atlantis'/);
  r = cli(['user', 'add', '--municipality', 'klippan', '--username', `${name}.2`, '--name', 'X',
    '--unit', 'vuxen', '--role', 'superuser']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown role/);
  // The refused role left no account behind: one transaction per action.
  r = cli(['user', 'list', '--municipality', 'klippan']);
  assert.doesNotMatch(r.stdout, new RegExp(`${name.replace(/\./g, '\\.')}\\.2`));
  r = cli(['audit', 'verify']);
  assert.equal(r.status, 0, r.stderr);
});

test('the command line answers --help and refuses unknown commands', () => {
  for (const c of ['serve', 'migrate', 'demo', 'audit', 'user']) {
    const r = cli([c, '--help']);
    assert.equal(r.status, 0, c);
    assert.match(r.stdout, /usage: nara/);
  }
  assert.match(cli(['--version']).stdout, /^nara /);
  assert.equal(cli(['frobnicate']).status, 2);
  const bad = cli(['migrate'], { NARA_DATABASE: 'mysql://x' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /NARA_DATABASE must start with sqlite: or postgresql:\/\//);
});

test('nara serve refuses to start without a master key, or with a malformed one', () => {
  const missing = cli(['serve', '--listen', '127.0.0.1:0'], { NARA_SECRET_KEY: '', NARA_SECRET_KEY_FILE: '' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot start without the master key: set NARA_SECRET_KEY/);
  const short = cli(['serve', '--listen', '127.0.0.1:0'], { NARA_SECRET_KEY: 'abc123' });
  assert.equal(short.status, 2);
  assert.match(short.stderr, /NARA_SECRET_KEY must hold 32 bytes written as 64 hex digits or as base64/);
  const nofile = cli(['serve', '--listen', '127.0.0.1:0'], { NARA_SECRET_KEY: '', NARA_SECRET_KEY_FILE: '/nonexistent/key' });
  assert.equal(nofile.status, 2);
  assert.match(nofile.stderr, /cannot read \/nonexistent\/key/);
});
