/**
 * The harness's local OAuth issuer: an ephemeral key pair per run (jose), JWKS and both
 * discovery documents served on 127.0.0.1 only, and short-lived tokens per principal, plus
 * the built-in hostile tokens.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
// jose is ESM-only; this package compiles to CommonJS, so it is loaded with import().
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
type CryptoKey = Awaited<ReturnType<Jose['generateKeyPair']>>['privateKey'];
type JWK = Awaited<ReturnType<Jose['exportJWK']>>;
let josePromise: Promise<Jose> | undefined;
const loadJose = (): Promise<Jose> => (josePromise ??= import('jose'));
import type { HostilePrincipal, MatrixPrincipal } from './types';

const ALG = 'RS256';

export interface Issuer {
  issuer: string;
  jwksUri: string;
  /** An issuer URL that is not ours (for the wrong-issuer token). */
  foreignIssuer: string;
  close(): Promise<void>;
  mint(principal: MatrixPrincipal, opts: MintOptions): Promise<string>;
  /** Tokens for the hostile principals (undefined for anonymous). */
  mintHostile(kind: HostilePrincipal, union: MatrixPrincipal, audience: string): Promise<string | undefined>;
}

export interface MintOptions {
  audience: string;
  ttlMinutes?: number;
  issuer?: string;
  /** Seconds relative to now for iat/exp (for the expired token). */
  expiresInSeconds?: number;
  issuedAtOffsetSeconds?: number;
  key?: CryptoKey;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

export async function startIssuer(): Promise<Issuer> {
  const { SignJWT, exportJWK, generateKeyPair } = await loadJose();
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    if (path === '/.well-known/jwks.json') return json(200, { keys: [jwk] });
    if (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server') {
      return json(200, {
        issuer: base,
        jwks_uri: `${base}/.well-known/jwks.json`,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'client_credentials'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [ALG],
        token_endpoint_auth_methods_supported: ['none'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (path === '/authorize' || path === '/token') return json(400, { error: 'unsupported_grant_type', error_description: 'the mcp-secure test issuer only mints tokens for the principal matrix' });
    json(404, { error: 'not_found' });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  const foreignIssuer = `http://127.0.0.1:${port}/not-this-issuer`;
  let otherKey: CryptoKey | undefined;

  const mint = async (p: MatrixPrincipal, o: MintOptions): Promise<string> => {
    const now = Math.floor(Date.now() / 1000) + (o.issuedAtOffsetSeconds ?? 0);
    const exp = now + (o.expiresInSeconds ?? (o.ttlMinutes ?? 5) * 60);
    const payload: Record<string, unknown> = {
      ...(p.claims ?? {}),
      scope: (p.scopes ?? []).join(' '),
      client_id: p.clientId ?? 'mcp-secure-matrix',
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: ALG, typ: 'at+jwt', kid })
      .setIssuer(o.issuer ?? base)
      .setAudience(o.audience)
      .setSubject(p.sub)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(o.key ?? privateKey);
  };

  return {
    issuer: base,
    jwksUri: `${base}/.well-known/jwks.json`,
    foreignIssuer,
    mint,
    async mintHostile(kind, union, audience) {
      switch (kind) {
        case 'anonymous':
          return undefined;
        case 'expired':
          // Issued 20 minutes ago, expired 10 minutes ago: beyond any usual clock tolerance.
          return mint(union, { audience, issuedAtOffsetSeconds: -1200, expiresInSeconds: 600 });
        case 'wrong-audience':
          return mint(union, { audience: 'https://not-this-server.invalid/mcp' });
        case 'wrong-issuer':
          return mint(union, { audience, issuer: foreignIssuer });
        case 'bad-signature': {
          otherKey ??= (await generateKeyPair(ALG)).privateKey;
          return mint(union, { audience, key: otherKey });
        }
        case 'alg-none': {
          const signed = await mint(union, { audience });
          const payload = signed.split('.')[1]!;
          return `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
        }
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The union of every declared principal's scopes and claims, for the hostile tokens. */
export function unionPrincipal(principals: Record<string, MatrixPrincipal>): MatrixPrincipal {
  const scopes = new Set<string>();
  const claims: Record<string, unknown> = {};
  for (const p of Object.values(principals)) {
    for (const s of p.scopes ?? []) scopes.add(s);
    Object.assign(claims, p.claims ?? {});
  }
  const subs = Object.values(principals).map((p) => p.sub);
  return { sub: subs[subs.length - 1] ?? 'mcp-secure-hostile', scopes: [...scopes], claims };
}
