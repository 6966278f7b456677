// Two real OpenID Connect providers for the tests, each its own process on
// its own port of 127.0.0.1 (tests/lib/oidc-provider.mjs): an "e-ID broker"
// for citizens and a "staff IdP". Their ports are chosen first, so nara can
// be started with their issuers; they start once nara's address (their
// redirect URI) is known. nara fetches their discovery documents only at
// the first login, so the order does no harm. Each provider ends with the
// test process: it exits when its standard input closes.
//
// Also the login by plain HTTP, as the recipe does it: the provider's
// /interaction/<uid> pages driven by POST prompt=login&login=<user>, then
// prompt=consent.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './nara.mjs';
import { Client } from './login.mjs';

const SCRIPT = fileURLToPath(new URL('./oidc-provider.mjs', import.meta.url));

export const PNR_CLAIM = 'https://id.oidc.se/claim/personalIdentityNumber';

function startProvider({ kind, port, clientId, clientSecret, redirectUri }) {
  const child = spawn(process.execPath, [SCRIPT], {
    env: {
      ...process.env,
      OIDC_KIND: kind,
      OIDC_PORT: String(port),
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_REDIRECT_URI: redirectUri,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const p = { child, output: '', exited: null };
  child.stdout.on('data', (d) => { p.output += d; });
  child.stderr.on('data', (d) => { p.output += d; });
  child.on('exit', (code, signal) => { p.exited = { code, signal }; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} provider did not start: ${p.output}`)), 15000);
    const check = () => {
      if (p.output.includes('listening ')) { clearTimeout(timer); resolve(p); return; }
      if (p.exited) { clearTimeout(timer); reject(new Error(`${kind} provider exited: ${p.output}`)); return; }
      setTimeout(check, 25);
    };
    check();
  });
}

async function stopProvider(p) {
  if (!p || p.exited) return;
  const done = new Promise((resolve) => p.child.on('exit', resolve));
  p.child.stdin.end();
  p.child.kill('SIGTERM');
  await done;
}

// The two providers' settings; `env` is what nara needs to use them.
export async function identityProviders() {
  const [cport, sport] = [await freePort(), await freePort()];
  const citizen = {
    kind: 'citizen', port: cport, issuer: `http://127.0.0.1:${cport}`,
    clientId: 'nara-e-tjanst', clientSecret: 'citizen-secret-0123456789abcdef',
  };
  const staff = {
    kind: 'staff', port: sport, issuer: `http://127.0.0.1:${sport}`,
    clientId: 'nara-medarbetare', clientSecret: 'staff-secret-0123456789abcdef',
  };
  const idp = {
    citizen,
    staff,
    env: {
      NARA_OIDC_CITIZEN_ISSUER: citizen.issuer,
      NARA_OIDC_CITIZEN_CLIENT_ID: citizen.clientId,
      NARA_OIDC_CITIZEN_CLIENT_SECRET: citizen.clientSecret,
      NARA_OIDC_CITIZEN_PNR_CLAIM: PNR_CLAIM,
      NARA_OIDC_STAFF_ISSUER: staff.issuer,
      NARA_OIDC_STAFF_CLIENT_ID: staff.clientId,
      NARA_OIDC_STAFF_CLIENT_SECRET: staff.clientSecret,
    },
    // Starts both, sending people back to nara at base.
    async start(base) {
      const redirectUri = `${base}/auth/callback`;
      [citizen.process, staff.process] = await Promise.all([
        startProvider({ ...citizen, redirectUri }),
        startProvider({ ...staff, redirectUri }),
      ]);
    },
    async stop() {
      await Promise.all([stopProvider(citizen.process), stopProvider(staff.process)]);
    },
  };
  return idp;
}

// A browser without JavaScript: one cookie jar for nara and the provider
// (like a browser, cookies on 127.0.0.1 are shared between ports), every
// redirect followed by hand.
export class HttpBrowser extends Client {
  constructor() { super(''); }

  // GETs url and follows redirects until one points at stopAt (a string
  // the URL starts with), or a page that is not a redirect.
  async follow(url, stopAt) {
    for (let i = 0; i < 20; i++) {
      if (stopAt && url.startsWith(stopAt)) return { url, res: null };
      const res = await this.get(url);
      if (res.status < 300 || res.status > 399) return { url, res };
      url = new URL(res.headers.get('location'), url).href;
    }
    throw new Error('too many redirects');
  }

  // The provider's interaction page at url: its uid and its form's action.
  async submitInteraction(url, form, stopAt) {
    const action = new URL(new URL(url).pathname, url).href;
    const res = await this.post(action, form);
    if (res.status < 300 || res.status > 399) throw new Error(`interaction refused: ${res.status} ${await res.text()}`);
    return this.follow(new URL(res.headers.get('location'), action).href, stopAt);
  }

  // Starts a login at nara (kind "citizen" or "staff"), logs in at the
  // provider as user and consents. Returns the URL the provider sends the
  // browser back to (nara's callback with code and state), not yet fetched,
  // so a test can replay or change it.
  async authorize(base, kind, user, { next, abort = false } = {}) {
    const callback = `${base}/auth/callback`;
    const start = `${base}/auth/${kind}/start${next ? `?next=${encodeURIComponent(next)}` : ''}`;
    const first = await this.get(start);
    if (first.status !== 303) throw new Error(`start answered ${first.status}: ${await first.text()}`);
    // A provider that still has a session with this browser asks nothing.
    let step = await this.follow(first.headers.get('location'), callback);
    if (step.res && abort) {
      await step.res.text();
      return (await this.follow(`${step.url.replace(/\/$/, '')}/abort`, callback)).url;
    }
    if (step.res) {
      await step.res.text();
      step = await this.submitInteraction(step.url, { prompt: 'login', login: user, password: 'test' }, callback);
    }
    if (step.res) {
      await step.res.text();
      step = await this.submitInteraction(step.url, { prompt: 'consent' }, callback);
    }
    if (step.res) throw new Error(`the provider did not send us back: ${step.res.status} ${await step.res.text()}`);
    return step.url;
  }

  // The whole login: returns nara's answer to the callback.
  async login(base, kind, user, options) {
    return this.get(await this.authorize(base, kind, user, options));
  }
}
