// A real OpenID provider for the tests: the certified `oidc-provider` package (installed
// at test time into tests/oidc/node_modules, which git ignores; see package.json).
//
// Configured by environment variables:
//   OIDC_PORT            the port to listen on (every interface, so localhost works)
//   OIDC_CLIENT_ID       the one client (a confidential web app, PKCE required)
//   OIDC_CLIENT_SECRET
//   OIDC_REDIRECT_URIS   comma-separated redirect URIs of that client
//
// Sign-in uses the package's own development interactions: the login form takes any
// login, and the login is the account: its `email` claim is the login itself, and
// `email_verified` is true unless the login starts with "unverified.". Consent is given
// without a prompt (a first-party client). Prints "ready <issuer>" once it listens.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://localhost:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: process.env.OIDC_REDIRECT_URIS.split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The claims of the scopes asked for go into the ID token, as Google's and Entra's do.
  conformIdTokenClaims: false,
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({
      sub: id,
      email: id,
      email_verified: !id.startsWith('unverified.'),
      name: id.split('@')[0],
    }),
  }),
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.listen(port, () => {
  console.log(`ready ${issuer}`);
});
