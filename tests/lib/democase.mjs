// The demo's case for "Mina sidor" (src/domain/demo_citizen_case.c): its
// citizen is the first Helsingborg citizen of the development login, and
// the case is the one of theirs whose journal starts with the demo's
// phone call (other demos may give the same person other cases).
import { Client } from './login.mjs';

export const FIRST_NOTE = 'svårt att klara vardagen';

// The development login's account of the demo citizen.
export async function demoAccount(base) {
  const { list } = await new Client(base).accounts();
  const account = list.find((a) => a.value.startsWith('citizen:') && a.label.endsWith(', Helsingborg'));
  if (!account) throw new Error('no Helsingborg citizen on the development login');
  return account;
}

// The path of the demo case, as the logged-in citizen `client` finds it.
export async function demoCaseHref(client) {
  const html = await (await client.get('/mina-sidor')).text();
  const hrefs = [...html.matchAll(/href="(\/mina-sidor\/arenden\/\d+)"/g)].map((m) => m[1]);
  for (const href of new Set(hrefs)) {
    if ((await (await client.get(href)).text()).includes(FIRST_NOTE)) return href;
  }
  throw new Error('the demo case is not among the citizen\'s cases');
}
