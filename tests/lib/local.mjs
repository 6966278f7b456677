// Local accounts for the tests: made with the real command (nara user add
// --password-stdin), logged in through the real forms, and TOTP codes
// computed here with node:crypto from the key the set-up page shows, as an
// authenticator app would (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits).
import crypto from 'node:crypto';
import { cli } from './nara.mjs';
import { Client } from './login.mjs';

export const PASSWORD = 'korrekt häst batteri staplar';

// A user name no other test run has used in this database.
export function uniqueName(prefix) {
  return `${prefix}.${process.pid.toString(36)}${crypto.randomBytes(3).toString('hex')}`;
}

export function addLocalUser({ municipality = 'bjuv', username, name = 'Test Admin',
  unit = 'administration', role = 'municipal_admin', password = PASSWORD }) {
  const r = cli(['user', 'add', '--municipality', municipality, '--username', username,
    '--name', name, '--unit', unit, '--role', role, '--password-stdin'], {}, `${password}\n`);
  if (r.status !== 0) throw new Error(`nara user add failed: ${r.stderr}`);
  return r;
}

export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export const currentStep = () => Math.floor(Date.now() / 1000 / 30);

export function totp(secretBase32, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secretBase32)).update(msg).digest();
  const offset = mac[19] & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 1000000).padStart(6, '0');
}

// The code of the first step after `used` that the server will take: the
// current one, or the next (the window allows one step ahead), so a test
// never waits half a minute for the clock.
export function freshStep(used) {
  return Math.max(currentStep(), used + 1);
}

export class LocalClient extends Client {
  // Posts the local form on /login; returns the response.
  async loginLocal(username, password, extra = {}) {
    const page = await (await this.get('/login')).text();
    const csrf = this.csrfFrom(page);
    return this.post('/login/local', { csrf, username, password, ...extra });
  }

  // The code step after a right password.
  async submitCode(code) {
    const page = await this.get('/login/kod');
    const csrf = this.csrfFrom(await page.text());
    return this.post('/login/kod', { csrf, code });
  }

  // Turns on TOTP for the logged-in account; returns { secret, step }.
  async enrol() {
    const page = await (await this.get('/konto/tvastegsverifiering')).text();
    const csrf = this.csrfFrom(page);
    const start = await this.post('/konto/tvastegsverifiering', { csrf, action: 'start' });
    if (start.status !== 303) throw new Error(`start: ${start.status}`);
    const setup = await (await this.get('/konto/tvastegsverifiering')).text();
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(setup)?.[1]?.replace(/ /g, '');
    if (!secret) throw new Error('no secret on the set-up page');
    const step = currentStep();
    const done = await this.post('/konto/tvastegsverifiering',
      { csrf, action: 'confirm', code: totp(secret, step) });
    if (done.status !== 303) throw new Error(`confirm: ${done.status} ${await done.text()}`);
    return { secret, step };
  }

  async logout() {
    const page = await (await this.get('/konto/inloggningar')).text();
    const r = await this.post('/logout', { csrf: this.csrfFrom(page) });
    if (r.status !== 303) throw new Error(`logout: ${r.status}`);
  }
}
