// Logging in through the development login, as a person would click it:
// the login page's form, its CSRF cookie, one account's button.
export class Client {
  constructor(base) { this.base = base; this.cookies = new Map(); }

  cookieHeader() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  remember(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i), value = pair.slice(i + 1);
      if (/Max-Age=0/.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path, init = {}) {
    const res = await fetch(this.base + path, { redirect: 'manual', ...init,
      headers: { Cookie: this.cookieHeader(), 'Accept-Language': 'sv', ...(init.headers || {}) } });
    this.remember(res);
    return res;
  }

  async post(path, form) {
    return this.get(path, { method: 'POST', body: new URLSearchParams(form).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  }

  // The dev login page's accounts: [{ value, label }].
  async accounts() {
    const res = await this.get('/login');
    const html = await res.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    const list = [...html.matchAll(/name="account" value="([^"]+)">([^<]*)</g)]
      .map((m) => ({ value: m[1], label: m[2].replace(/&amp;/g, '&').replace(/&#39;/g, "'") }));
    return { csrf, list };
  }

  // Logs in as the first account whose button text matches `pattern`.
  async loginAs(pattern) {
    const { csrf, list } = await this.accounts();
    const account = list.find((a) => pattern.test(a.label) || pattern.test(a.value));
    if (!account) throw new Error(`no dev account matches ${pattern}`);
    const res = await this.post('/login/dev', { csrf, account: account.value });
    if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
    return account;
  }

  csrfFrom(html) { return /name="csrf" value="([^"]+)"/.exec(html)?.[1]; }
}
