/**
 * Fake secrets of the right shape, for rule samples, test corpora and benchmarks. Templates
 * carry holes like `ghp_<<an:36>>`; a seeded generator (sha256 in counter mode, so the same
 * seed gives the same text on every machine) fills them. Keeping holes in committed files
 * means the repository itself never holds anything a scanner would take for a live key.
 */
import { createHash } from 'node:crypto';

const ALPHABETS: Readonly<Record<string, string>> = {
  an: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  w: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_',
  b64u: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  lo: 'abcdefghijklmnopqrstuvwxyz',
  up: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  al: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  lan: 'abcdefghijklmnopqrstuvwxyz0123456789',
  uan: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  a32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  dig: '0123456789',
  // Passwords: letters, digits and a few symbols that survive in URLs and .env files.
  pw: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+~',
};

/** A deterministic byte stream: sha256(seed ‖ counter) blocks. */
export class SeededRandom {
  private counter = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly seed: string) {}

  /** An integer in [0, n). */
  int(n: number): number {
    // Rejection sampling keeps the distribution flat.
    const limit = 256 - (256 % n);
    for (;;) {
      const byte = this.byte();
      if (n <= 256 && byte < limit) return byte % n;
      if (n > 256) return ((byte << 8) | this.byte()) % n;
    }
  }

  string(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  private byte(): number {
    if (this.offset >= this.buffer.length) {
      this.buffer = createHash('sha256').update(`${this.seed}\u0000${this.counter++}`).digest();
      this.offset = 0;
    }
    return this.buffer[this.offset++]!;
  }
}

/** `word` in a random spelling: upper case, capitalised, mixed, or as it is (for case-insensitive tests). */
export function randomCasing(word: string, random: SeededRandom): string {
  switch (random.int(4)) {
    case 0:
      return word.toUpperCase();
    case 1:
      return word[0]!.toUpperCase() + word.slice(1);
    case 2:
      return [...word].map((c) => (random.int(2) ? c.toUpperCase() : c)).join('');
    default:
      return word;
  }
}

const HOLE = /<<([a-zA-Z0-9]+):(\d{1,4})>>|<<jwt(?::([a-z_]+))?>>|<<pem:([A-Z ]{0,30})>>|<<uuid>>|<<basic>>/g;

/** Fills every `<<class:n>>`, `<<jwt>>` / `<<jwt:role>>`, `<<pem:TYPE>>`, `<<uuid>>` and `<<basic>>` (base64 user:password) hole. */
export function expandSample(template: string, random: SeededRandom): string {
  return template.replace(HOLE, (all: string, cls: string | undefined, len: string | undefined, role: string | undefined, pem: string | undefined) => {
    if (all === '<<basic>>') {
      return Buffer.from(`${random.string(ALPHABETS.lo!, 8)}:${random.string(ALPHABETS.an!, 20)}`).toString('base64');
    }
    if (all === '<<uuid>>') {
      const h = (n: number) => random.string(ALPHABETS.hex!, n);
      return `${h(8)}-${h(4)}-4${h(3)}-${'89ab'[random.int(4)]}${h(3)}-${h(12)}`;
    }
    if (cls !== undefined && len !== undefined) {
      const alphabet = ALPHABETS[cls];
      if (!alphabet) throw new Error(`unknown sample class ${cls}`);
      return random.string(alphabet, Number(len));
    }
    if (pem !== undefined) return fakePem(pem, random);
    return fakeJwt(random, role);
  });
}

/** True when the text still has holes (so callers can tell a template from plain text). */
export function hasSampleHoles(text: string): boolean {
  HOLE.lastIndex = 0;
  return HOLE.test(text);
}

function b64url(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

/** A JWT-shaped token: real JSON header and payload, random signature. */
export function fakeJwt(random: SeededRandom, role?: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims: Record<string, unknown> = {
    sub: random.string(ALPHABETS.lan!, 12),
    iat: 1700000000 + random.int(1000000),
  };
  if (role) {
    claims.iss = 'supabase';
    claims.ref = random.string(ALPHABETS.lo!, 20);
    claims.role = role;
  }
  return `${header}.${b64url(JSON.stringify(claims))}.${random.string(ALPHABETS.b64u!, 43)}`;
}

/** A PEM block with a random body (not a usable key). */
export function fakePem(type: string, random: SeededRandom): string {
  const label = `${type ? `${type.trim()} ` : ''}PRIVATE KEY`;
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) lines.push(random.string(ALPHABETS.b64!, 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----`;
}
