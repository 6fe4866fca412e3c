// A real OpenID Connect provider (oidc-provider) on loopback, for the single sign-on tests.
//
//   node server.mjs CONFIG.json [PORT]
//
// PORT 0 (the default) lets the system choose; the first line on stdout is then
// `listening http://127.0.0.1:PORT`, and that URL is the issuer. SIGTERM or SIGINT stops it.
//
// CONFIG.json:
//   {
//     "admin_token": "random string for the /__test__/ routes",
//     "clients": [{"client_id", "client_secret", "redirect_uris": [...],
//                  "token_endpoint_auth_method"?: "client_secret_post" | "client_secret_basic",
//                  "client_name"?: "..."}],
//     "accounts": {"account id": {"email", "email_verified", "name", "given_name",
//                                 "family_name", "locale", "groups": [...], "amr": [...],
//                                 "sub"?, "acr"?}}
//   }
//
// The sign-in page is our own (no development interactions): a form with an "E-mail / login"
// field (account id or e-mail address of a configured account) and a "Sign in" button, plus a
// "Cancel" button that ends the authorisation with access_denied. Consent is granted
// automatically: these clients are the organisations' own applications.
//
// Test routes (Authorization: Bearer <admin_token>, JSON body):
//   POST /__test__/accounts  {"account_id": "...", "claims": {...}}   add or replace an account
//   POST /__test__/clients   {client metadata as above}                add or replace a client

import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const [configPath, portArgument = '0'] = process.argv.slice(2);
if (!configPath) {
  process.stderr.write('usage: node server.mjs CONFIG.json [PORT]\n');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const adminToken = Buffer.from(config.admin_token || randomBytes(24).toString('hex'));
const accounts = new Map(Object.entries(config.accounts || {}));

const PROFILE_CLAIMS = ['name', 'given_name', 'family_name', 'locale', 'groups'];
const EMAIL_CLAIMS = ['email', 'email_verified'];

function clientMetadata(client) {
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    client_name: client.client_name || client.client_id,
    token_endpoint_auth_method: client.token_endpoint_auth_method || 'client_secret_post',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
  };
}

function findByLogin(login) {
  const value = (login || '').trim();
  if (accounts.has(value)) return value;
  const lower = value.toLowerCase();
  for (const [id, claims] of accounts) {
    if ((claims.email || '').toLowerCase() === lower && lower) return id;
  }
  return undefined;
}

function accountClaims(accountId) {
  const { sub, amr, acr, ...claims } = accounts.get(accountId);
  return { ...claims, sub: sub || accountId, ...(amr ? { amr } : {}), ...(acr ? { acr } : {}) };
}

// In-memory storage for the provider's models (sessions, codes, grants, clients, ...).
const storage = new Map();
const grantKeys = new Map();
const uidKeys = new Map();
const userCodeKeys = new Map();
const epochTime = () => Math.floor(Date.now() / 1000);
// The models a grant's revocation takes with it (not the interaction that carries a grant id).
const GRANTABLE = new Set([
  'AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest',
]);

class MemoryAdapter {
  constructor(name) {
    this.name = name;
  }

  key(id) {
    return `${this.name}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    storage.set(key, { payload, expiresAt: expiresIn ? epochTime() + expiresIn : undefined });
    if (GRANTABLE.has(this.name) && payload.grantId) {
      if (!grantKeys.has(payload.grantId)) grantKeys.set(payload.grantId, new Set());
      grantKeys.get(payload.grantId).add(key);
    }
    if (payload.uid) uidKeys.set(this.key(payload.uid), id);
    if (payload.userCode) userCodeKeys.set(this.key(payload.userCode), id);
  }

  async find(id) {
    const entry = storage.get(this.key(id));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= epochTime()) {
      storage.delete(this.key(id));
      return undefined;
    }
    return entry.payload;
  }

  async findByUid(uid) {
    const id = uidKeys.get(this.key(uid));
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = userCodeKeys.get(this.key(userCode));
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const entry = storage.get(this.key(id));
    if (entry) entry.payload.consumed = epochTime();
  }

  async destroy(id) {
    storage.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const key of grantKeys.get(grantId) || []) storage.delete(key);
    grantKeys.delete(grantId);
  }
}

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

function loginPage({ uid, clientName, loginHint = '', error = '' }) {
  const message = error ? `<p role="alert" id="login-error">${escapeHtml(error)}</p>` : '';
  return page(`Sign in to ${clientName}`, `${message}
<form method="post" action="/interaction/${escapeHtml(uid)}" autocomplete="off">
  <p>
    <label for="login">E-mail / login</label>
    <input id="login" name="login" type="text" required autofocus value="${escapeHtml(loginHint)}">
  </p>
  <p>
    <button type="submit" name="action" value="login">Sign in</button>
    <button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
  </p>
</form>`);
}

async function readBody(req, limit = 1024 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isAdmin(req) {
  const given = Buffer.from((req.headers.authorization || '').replace(/^Bearer /, ''));
  return given.length === adminToken.length && timingSafeEqual(given, adminToken);
}

const server = http.createServer();
server.listen(Number(portArgument), '127.0.0.1', async () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    // Clients live in the adapter rather than in the static list, so that the test route can
    // add or replace one.
    adapter: MemoryAdapter,
    clients: [],
    clientAuthMethods: ['client_secret_post', 'client_secret_basic'],
    responseTypes: ['code'],
    pkce: { required: () => false },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: {
      openid: ['sub', 'amr'],
      profile: PROFILE_CLAIMS,
      email: EMAIL_CLAIMS,
      groups: ['groups'],
    },
    // Profile and e-mail claims in the ID token too, not only from the userinfo endpoint.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      claimsParameter: { enabled: true },
    },
    interactions: {
      url: (ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    async findAccount(ctx, id) {
      if (!accounts.has(id)) return undefined;
      return {
        accountId: id,
        async claims() {
          return accountClaims(id);
        },
      };
    },
    // Consent without a screen: the grant covers every scope and claim the request asks for.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      const grant = grantId
        ? await ctx.oidc.provider.Grant.find(grantId)
        : new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
      grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', Object.entries(out)
        .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
        .join('\n'));
    },
  });

  async function interaction(ctx) {
    const uid = ctx.path.split('/')[2];
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    const client = await provider.Client.find(details.params.client_id);
    const clientName = client?.clientName || details.params.client_id;
    ctx.set('cache-control', 'no-store');

    if (details.prompt.name !== 'login') {
      // Consent asked again (prompt=consent): granted as before.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: client.clientId });
      if (details.prompt.details.missingOIDCScope) {
        grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
      }
      if (details.prompt.details.missingOIDCClaims) {
        grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      }
      const result = { consent: { grantId: await grant.save() } };
      await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
      ctx.respond = false;
      return;
    }

    if (ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = loginPage({ uid, clientName, loginHint: details.params.login_hint });
      return;
    }
    const form = new URLSearchParams(await readBody(ctx.req));
    if (form.get('action') === 'cancel') {
      await provider.interactionFinished(ctx.req, ctx.res, {
        error: 'access_denied', error_description: 'The user cancelled the sign-in.',
      }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }
    const accountId = findByLogin(form.get('login'));
    if (!accountId) {
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = loginPage({
        uid, clientName, loginHint: form.get('login') || '', error: 'Unknown account.',
      });
      return;
    }
    const { amr, acr } = accounts.get(accountId);
    await provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId, ...(amr ? { amr } : {}), ...(acr ? { acr } : {}) },
    }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  }

  async function saveClient(client) {
    const metadata = clientMetadata(client);
    await provider.Client.validate(metadata);
    await new MemoryAdapter('Client').upsert(metadata.client_id, metadata);
  }

  async function testRoute(ctx) {
    if (ctx.method !== 'POST' || !isAdmin(ctx.req)) ctx.throw(404);
    const body = JSON.parse(await readBody(ctx.req));
    if (ctx.path === '/__test__/accounts') {
      if (!body.account_id) ctx.throw(400, 'account_id is required');
      accounts.set(body.account_id, body.claims || {});
    } else if (ctx.path === '/__test__/clients') {
      try {
        await saveClient(body);
      } catch (error) {
        ctx.throw(400, `invalid client: ${error.message} ${error.error_description || ''}`);
      }
    } else {
      ctx.throw(404);
    }
    ctx.status = 204;
  }

  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/__test__/')) return testRoute(ctx);
    if (/^\/interaction\/[^/]+$/.test(ctx.path) && ['GET', 'POST'].includes(ctx.method)) {
      return interaction(ctx);
    }
    return next();
  });

  for (const client of config.clients || []) await saveClient(client);
  server.on('request', provider.callback());
  process.stdout.write(`listening ${issuer}\n`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
