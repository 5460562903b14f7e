/**
 * One pass over a text's bytes that finds every place a detector could start from: the
 * literal keywords of the provider rules (case-sensitive, as the rules' regexes are) and the
 * words a secret's *name* or value must contain for the name-based rules to fire (`key`,
 * `token`, `secret`, `pass`, `auth`, `Bearer`, `://`…), ASCII case-insensitively.
 *
 * Speed: a regex alternation of ~90 literals costs the regex engine a check per literal at
 * every position (~250 MB/s). Here every needle registers the rarest two-character pair it
 * contains (by how often characters occur in source code) in a 64K table; one loop reads each
 * pair of bytes once, and only table hits (a small fraction of positions) are verified.
 * Works on bytes (a Buffer) or on a string's char codes: the needles are ASCII, and a UTF-8
 * multi-byte sequence never contains an ASCII byte.
 */

/** A literal to find. `ci`: ASCII case-insensitive. */
export interface Needle {
  text: string;
  ci: boolean;
}

/**
 * How often each printable ASCII character occurs in JS/TS/JSON/Markdown, in hundredths of a
 * percent (measured on 46 MB of a real node_modules); characters not listed count as 1.
 */
const FREQUENCY: Record<string, number> = {
  '~': 1, Z: 2, '%': 3, Q: 4, X: 4, K: 4, '#': 5, J: 5, $: 6, V: 7, '^': 8, '<': 8, Y: 9, '+': 9, 7: 9, G: 9, U: 9, 8: 9,
  H: 10, q: 11, B: 11, 9: 11, '&': 12, 5: 12, '!': 12, z: 13, '>': 13, '?': 13, W: 14, 6: 14, 3: 17, F: 17, N: 17, 4: 18,
  j: 19, '@': 19, L: 20, '\\': 21, R: 23, ']': 24, '[': 24, I: 24, P: 25, '-': 25, O: 26, 2: 26, C: 26, D: 26, A: 27, E: 27,
  M: 29, '|': 29, T: 34, S: 38, 1: 39, x: 42, "'": 43, k: 44, w: 45, '`': 46, 0: 58, v: 59, ';': 63, '{': 69, '}': 69,
  '=': 77, '*': 79, b: 80, y: 84, g: 87, ')': 88, '(': 89, '/': 96, _: 99, ':': 99, '.': 122, f: 124, h: 132, ',': 136,
  '"': 145, m: 157, p: 171, c: 196, d: 199, u: 211, l: 220, s: 339, i: 358, o: 375, a: 391, n: 409, r: 413, t: 507,
  e: 699, ' ': 1524,
};

/** Letter pairs far more common in code and prose than their letters' frequencies suggest. */
const COMMON_PAIRS = new Set('th he in er an re on at en nd ti es or te ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce ut pa'.split(' '));

function frequency(code: number): number {
  return FREQUENCY[String.fromCharCode(code)] ?? 1;
}

const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

interface Entry {
  id: number;
  /** Where the registered pair starts within the needle. */
  offset: number;
}

export class NeedleSet {
  /** Pair (first byte << 8 | second byte) → 1 + index into `entries`, or 0. */
  private readonly table = new Uint16Array(65536);
  private readonly entries: Entry[][] = [];
  private readonly codes: Uint8Array[];

  constructor(readonly needles: readonly Needle[]) {
    this.codes = needles.map((n) => Uint8Array.from(n.text, (ch) => ch.charCodeAt(0)));
    needles.forEach((needle, id) => {
      const codes = this.codes[id]!;
      if (codes.length < 2 || codes.some((c) => c > 127)) throw new Error(`needle ${JSON.stringify(needle.text)}: two ASCII characters or more`);
      let best = 0;
      let bestCost = Infinity;
      for (let i = 0; i + 1 < codes.length; i++) {
        // How often the pair occurs, taking its characters as independent (both cases when case-insensitive).
        const f = (c: number) => (needle.ci && isLetter(c) ? frequency(lower(c)) + frequency(lower(c) - 32) : frequency(c));
        const common = COMMON_PAIRS.has(String.fromCharCode(lower(codes[i]!), lower(codes[i + 1]!))) ? 8 : 1;
        const pairCost = f(codes[i]!) * f(codes[i + 1]!) * common;
        if (pairCost < bestCost) {
          best = i;
          bestCost = pairCost;
        }
      }
      const variants = (c: number) => (needle.ci && isLetter(c) ? [lower(c), lower(c) - 32] : [c]);
      for (const a of variants(codes[best]!)) {
        for (const b of variants(codes[best + 1]!)) {
          const pair = (a << 8) | b;
          let slot = this.table[pair]!;
          if (slot === 0) {
            this.entries.push([]);
            slot = this.entries.length;
            this.table[pair] = slot;
          }
          this.entries[slot - 1]!.push({ id, offset: best });
        }
      }
    });
  }

  /**
   * Calls `hit(id, start)` for every occurrence of a needle in `data` (bytes or a string's
   * char codes), in order of where its registered pair sits. Returns early when `hit` returns true.
   */
  scan(data: Uint8Array | string, hit: (id: number, start: number) => boolean | void): void {
    const table = this.table;
    if (typeof data === 'string') {
      const n = data.length;
      let prev = n > 0 ? data.charCodeAt(0) : 0;
      for (let i = 1; i < n; i++) {
        const c = data.charCodeAt(i);
        const slot = c < 256 && prev < 256 ? table[(prev << 8) | c]! : 0;
        prev = c;
        if (slot !== 0 && this.verify(data, slot, i - 1, hit)) return;
      }
      return;
    }
    const n = data.length;
    let prev = n > 0 ? data[0]! : 0;
    for (let i = 1; i < n; i++) {
      const c = data[i]!;
      const slot = table[(prev << 8) | c]!;
      prev = c;
      if (slot !== 0 && this.verify(data, slot, i - 1, hit)) return;
    }
  }

  private verify(data: Uint8Array | string, slot: number, pairAt: number, hit: (id: number, start: number) => boolean | void): boolean {
    for (const { id, offset } of this.entries[slot - 1]!) {
      const start = pairAt - offset;
      const codes = this.codes[id]!;
      if (start < 0 || start + codes.length > data.length) continue;
      const ci = this.needles[id]!.ci;
      let ok = true;
      for (let k = 0; k < codes.length && ok; k++) {
        const c = typeof data === 'string' ? data.charCodeAt(start + k) : data[start + k]!;
        ok = ci ? lower(c) === lower(codes[k]!) : c === codes[k];
      }
      if (ok && hit(id, start) === true) return true;
    }
    return false;
  }
}
