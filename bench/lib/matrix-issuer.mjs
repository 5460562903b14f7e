// The harness's own issuer (src/core/matrix/issuer.ts, bundled by bench/matrix.mjs) in a
// process of its own, for the Inspector side of the principal-matrix benchmark: the same
// ephemeral RS256 key pair and JWKS on 127.0.0.1, the same tokens for the same 8 principals
// (the two declared ones, and the hostile ones exactly as the harness mints them).
//
//   node matrix-issuer.cjs <token-dir> <audience> <ttl-minutes>
// Writes <token-dir>/<principal>.token (mode 0600; none for anonymous), prints one JSON line
// { issuer, jwksUri } on stdout, and serves until its stdin closes. Never prints a token.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startIssuer, unionPrincipal } from '../../src/core/matrix/issuer';
import { DECLARED_PRINCIPALS, HOSTILE } from './matrix-tools.mjs';

async function main() {
  const [dir, audience, ttl] = process.argv.slice(2);
  const issuer = await startIssuer();
  const union = unionPrincipal(DECLARED_PRINCIPALS);
  const tokens = {};
  for (const [name, p] of Object.entries(DECLARED_PRINCIPALS)) tokens[name] = await issuer.mint(p, { audience, ttlMinutes: Number(ttl) });
  for (const h of HOSTILE) tokens[h] = await issuer.mintHostile(h, union, audience);
  for (const [name, token] of Object.entries(tokens)) if (token) writeFileSync(join(dir, `${name}.token`), token, { mode: 0o600 });
  process.stdout.write(JSON.stringify({ issuer: issuer.issuer, jwksUri: issuer.jwksUri }) + '\n');
  const stop = () => void issuer.close().then(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

main().catch((err) => {
  console.error(`matrix issuer: ${err.message}`);
  process.exit(2);
});
