// A real OpenID Connect provider for the tests (npm oidc-provider), one
// process per provider so that the citizens' e-ID broker and the staff's
// identity provider are really separate. Started by tests/lib/oidc.mjs;
// configured by environment:
//   OIDC_PORT          the port on 127.0.0.1 (the issuer is http://127.0.0.1:PORT)
//   OIDC_KIND          "citizen" (an e-ID broker) or "staff" (an organisation's IdP)
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI   nara as its one client
// PKCE is required, as a broker would; the development login pages accept
// any user name. On the citizen broker the user name is the personnummer the
// account carries (the Swedish OIDC profile's claim, released with its
// scope), except "utan-personnummer", which has none. The signing keys are
// new at each start, so nara must fetch /jwks.
import Provider from 'oidc-provider';

const PORT = Number(process.env.OIDC_PORT);
const ISSUER = `http://127.0.0.1:${PORT}`;
const KIND = process.env.OIDC_KIND;
const PNR_SCOPE = 'https://id.oidc.se/scope/naturalPersonNumber';
const PNR_CLAIM = 'https://id.oidc.se/claim/personalIdentityNumber';

const claims = { openid: ['sub'], profile: ['name'] };
if (KIND === 'citizen') claims[PNR_SCOPE] = [PNR_CLAIM];

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [`test-cookie-key-${KIND}-${PORT}`] },
  scopes: Object.keys(claims),
  claims,
  // The claims of the granted scopes in the ID token itself, as e-ID
  // brokers deliver the personnummer, not only at the userinfo endpoint.
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => {
      const c = { sub: id, name: `Test ${id}` };
      if (KIND === 'citizen' && id !== 'utan-personnummer') c[PNR_CLAIM] = id;
      return c;
    },
  }),
  pkce: { methods: ['S256'], required: () => true },
});
provider.proxy = false;

const server = provider.listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`listening ${ISSUER}\n`);
});
// Ends with the test that started it: when its parent goes, so does it.
process.stdin.resume();
process.stdin.on('end', () => { server.close(); process.exit(0); });
process.on('SIGTERM', () => { server.close(); process.exit(0); });
