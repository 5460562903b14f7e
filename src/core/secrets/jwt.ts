/**
 * JWT confirmation: a dotted base64url string is only a JWT when its header and payload
 * decode to JSON objects and the header names an algorithm. Unsigned tokens (`alg: none`,
 * empty signature) grant nothing by themselves and are not reported.
 */

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (segment.length === 0 || segment.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodeSegment(parts[0]!);
  if (!header || typeof header.alg !== 'string') return undefined;
  const payload = decodeSegment(parts[1]!);
  if (!payload) return undefined;
  return { header, payload };
}

/** A signed JWT (header names a real algorithm and there is a signature of plausible length). */
export function isSignedJwt(token: string): boolean {
  const decoded = decodeJwt(token);
  if (!decoded) return false;
  const signature = token.slice(token.lastIndexOf('.') + 1);
  return String(decoded.header.alg).toLowerCase() !== 'none' && signature.length >= 16;
}

/**
 * Tokens that are public on purpose: Supabase's `anon` key (meant to ship in browsers) and
 * the jwt.io sample token (`"sub": "1234567890", "name": "John Doe"`) found in countless docs and tests.
 */
export function isPublicByDesignJwt(token: string): boolean {
  const payload = decodeJwt(token)?.payload;
  if (!payload) return false;
  return payload.role === 'anon' || (payload.sub === '1234567890' && payload.name === 'John Doe');
}

/** Supabase service-role keys bypass row-level security: name the provider. */
export function isSupabaseServiceRole(token: string): boolean {
  const payload = decodeJwt(token)?.payload;
  return !!payload && payload.role === 'service_role' && (payload.iss === 'supabase' || typeof payload.ref === 'string');
}
