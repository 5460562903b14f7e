import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

/** The second argument every tool handler receives. */
export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const issuer = process.env.OAUTH_ISSUER ?? 'https://auth.acme-notes.dev/';
const jwksUrl = new URL(process.env.OAUTH_JWKS_URL ?? new URL('.well-known/jwks.json', issuer).href);
const jwks = createRemoteJWKSet(jwksUrl);

/**
 * Verifies an access token issued by the Acme identity provider and maps it to the SDK's
 * AuthInfo, so tool handlers find it in `extra.authInfo`.
 */
export async function verifyAccessToken(token: string): Promise<AuthInfo> {
  // TODO(dana): also check `aud` once staging issues resource-bound tokens (NOTES-212)
  const { payload } = await jwtVerify(token, jwks, { issuer });
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  return {
    token,
    clientId: String(payload.client_id ?? payload.azp ?? 'unknown'),
    scopes: scope.split(' ').filter(Boolean),
    expiresAt: payload.exp,
    extra: { sub: payload.sub },
  };
}

/** Throws unless the caller's token carries `scope`. Returns the caller's AuthInfo. */
export function requireScope(extra: ToolExtra, scope: string): AuthInfo {
  const auth = extra.authInfo;
  if (!auth) {
    throw new Error('Unauthorized: this tool needs an access token');
  }
  if (!auth.scopes.includes(scope)) {
    throw new Error(`Forbidden: missing scope ${scope}`);
  }
  return auth;
}

/** The subject (user id) of the caller, or "anonymous". */
export function callerId(extra: ToolExtra): string {
  const sub = extra.authInfo?.extra?.sub;
  return typeof sub === 'string' ? sub : 'anonymous';
}
