// The demo's people as the tests need them: staff accounts by username,
// citizens by the label on the development login's button, person ids by
// a staff search, and the audit rows a request wrote.
import assert from 'node:assert/strict';
import { auditRows, auditLastId } from './nara.mjs';
import { Client } from './login.mjs';

// The demo makes the municipalities in this order (src/domain/demo.c) and
// ids start at 1 on both engines; a test checks it against a login row.
export const BJUV = 1;
export const HELSINGBORG = 3;

export class Demo {
  constructor(base) { this.base = base; this.list = null; }

  async accounts() {
    if (!this.list) this.list = (await new Client(this.base).accounts()).list;
    return this.list;
  }

  // { id, name, username, label (as audit rows name the actor) }
  async staff(username) {
    const a = (await this.accounts()).find((x) => x.value.startsWith('staff:') && x.label.endsWith(` · ${username}`));
    assert.ok(a, `no staff account ${username}`);
    const name = a.label.slice(0, a.label.length - ` · ${username}`.length);
    return { id: Number(a.value.slice(6)), name, username, label: `${name} (${username})` };
  }

  // The personnummer on the citizen buttons whose label matches, in order.
  async pnrs(pattern) {
    return (await this.accounts()).filter((x) => x.value.startsWith('citizen:') && pattern.test(x.label))
      .map((x) => x.value.slice(8));
  }

  // The first of them.
  async pnr(pattern) {
    const [first] = await this.pnrs(pattern);
    assert.ok(first, `no citizen matches ${pattern}`);
    return first;
  }

  async login(pattern) {
    const c = new Client(this.base);
    await c.loginAs(pattern);
    return c;
  }
}

// The id a staff search links to for this personnummer, if any.
export async function personId(client, pnr) {
  const html = await (await client.get(`/arbete?pnr=${pnr}`)).text();
  const id = /href="\/arbete\/person\/(\d+)"/.exec(html)?.[1];
  return id ? Number(id) : undefined;
}

// Runs fn and returns [its result, the audit rows written meanwhile].
// Only the rows of the requests fn makes: the tests run one at a time.
export async function audited(fn) {
  const before = auditLastId();
  const result = await fn();
  return [result, auditRows({ after: before })];
}

// The fields a row is checked on, so that a failing test shows them all.
export function pick(row) {
  const { actor_kind, actor_id, actor_label, municipality_id, action, record_kind, record_id, person_id, reason, flagged } = row;
  return { actor_kind, actor_id, actor_label, municipality_id, action, record_kind, record_id, person_id, reason, flagged };
}
