// A real OpenID Connect provider (the npm package oidc-provider) for the sign-in tests.
//
//   node tests/oidc/provider.mjs <port> <settings.json>
//
// settings.json: {"clients": [...oidc-provider client metadata...], "accounts": "<file>"}.
// The accounts file ({"<sub>": {"email": ..., "name": ..., "groups": [...]}}) is read at
// every sign-in, so a test changes a user's claims between two sign-ins by rewriting it.
// Sign-in is oidc-provider's own development login form (any password); consent is given
// for the one first-party client, as an organisation's identity provider does.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, settingsFile] = process.argv.slice(2);
const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: settings.clients,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    // As Entra ID's token configuration adds them: the groups come with the profile.
    profile: ['name', 'preferred_username', 'groups'],
  },
  cookies: { keys: ['only-for-the-tests'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, sub) {
    const accounts = JSON.parse(readFileSync(settings.accounts, 'utf8'));
    if (!(sub in accounts)) return undefined;
    return { accountId: sub, async claims() { return { sub, ...accounts[sub] }; } };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`listening on ${issuer}`);
});
