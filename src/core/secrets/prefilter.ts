/**
 * One pass over a text's bytes that finds every place a detector could start from: the
 * literal keywords of the provider rules (case-sensitive, as the rules' regexes are) and the
 * words a secret's *name* or value must contain for the name-based rules to fire (`key`,
 * `token`, `secret`, `pass`, `auth`, `Bearer`, `://`…), ASCII case-insensitively.
 *
 * Speed: a regex alternation of ~90 literals costs the regex engine a check per literal at
 * every position (~250 MB/s). Here every needle registers the rarest two-character pair it
 * contains (by how often characters occur in source code) in a 64K table, with the pair next to
 * it; one loop reads the pairs at even positions (half the text's positions), and only table
 * hits (a small fraction) are verified.
 * Works on bytes (a Buffer) or on a string's char codes: the needles are ASCII, and a UTF-8
 * multi-byte sequence never contains an ASCII byte.
 * Over bytes, the table hits and their `near` test run in WebAssembly with SIMD where available
 * (prefilterWasm.ts: fast from the first call, no JIT warm-up), and JS only verifies what it
 * reports; the JS loop is the fallback.
 */
import { MAX_SLOTS, nibbleTables, pairScanner, type PairScanner } from './prefilterWasm';

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

/**
 * The most common character pairs (occurrences per 10,000 positions, same corpus): pairs such
 * as `re` and `at` are far more common than their characters' frequencies suggest.
 */
const MEASURED_PAIRS: ReadonlyMap<string, number> = new Map(
  (
    "on95 er87 re79 in77 at73 te71 th64 or63 ar60 en60 ti60 de55 st54 es52 le52 nt48 io47 al45 se44 co43 " +
  "et43 ns43 he40 pe39 me37 ed36 un36 is35 ur35 \",34 nd34 ng34 ra34 an33 ri33 rt33 ct32 ro32 ul32 it31 " +
  "nc29 ne29 ex28 od26 ta26 tr26 ec25 rn25 am24 as24 ce24 to24 ma23 po23 va23 );22 ch22 om22 ou22 pa22 " +
  "tu22 ty22 ca21 ea21 la21 li21 s.21 ve21 ==20 fi20 ll20 yp20 ac19 ef19 na19 op19 rs19 ts19 ue19 id18 " +
  "if18 il18 mp18 be17 da17 ge17 hi17 im17 pr17 pt17 **16 em16 lu16 no16 \":15 el15 fo15 lo15 mo15 nu15 " +
  "rr15 si15 ss15 ut15 //14 ay14 so14 um14 xp14 di13 du13 e.13 e:13 e_13 fu13 ha13 ol13 ot13 ad12 ap12 " +
  "ic12 ke12 ni12 of12 s:12 */11 /*11 Re11 e(11 fa11 lt11 mb11 mi11 oc11 tt11 us11 xt11 ab10 e,10 ee10 " +
  "ie10 pl10 qu10 su10 wi10 },10 ()9 /i9 009 Co9 Da9 Pa9 bl9 ck9 ep9 ho9 ig9 ir9 ow9 rc9 rm9 ru9 sc9 " +
  "u09 ./8 `,8 au8 je8 oo8 rg8 s_8 t(8 t.8 t_8"
  )
    .split(' ')
    .map((item) => [item.slice(0, 2), Number(item.slice(2))]),
);

/** Expected occurrences of the pair a, b per 10,000 positions. */
function pairFrequency(a: number, b: number): number {
  return MEASURED_PAIRS.get(String.fromCharCode(a, b)) ?? (frequency(a) * frequency(b)) / 10000;
}

function frequency(code: number): number {
  return FREQUENCY[String.fromCharCode(code)] ?? 1;
}

/** `frequency` of each byte, made on first use. */
let byteFrequencies: Float64Array | undefined;

/** Words read from bytes are little-endian on this machine (x86, ARM): the word scan needs it. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

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
  /** The same table indexed by the pair as a little-endian 16-bit word (second byte << 8 | first byte). */
  private readonly tableLE = new Uint16Array(65536);
  /** One bit per little-endian pair: whether it has entries (8 KB, stays in the CPU's first-level cache). */
  private readonly bits = new Int32Array(2048);
  private readonly entries: Entry[][] = [];
  private readonly codes: Uint8Array[];
  /** `codes`, with the letters of case-insensitive needles lowered (what verifyBytes compares with). */
  private readonly lowered: Uint8Array[];
  /**
   * Per slot, a cheaper check before `verify`: the bytes (256 bits each) an entry accepts right
   * after its pair (`next`) or, for a pair that ends its needle, right before it (`prev`);
   * `always` when an entry's pair is its whole needle. Common pairs such as `re` (of `cred`)
   * mostly stop here.
   */
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly always: Uint8Array;
  /** The WebAssembly search of the table hits, and this set's tables there (undefined: the JS loop). */
  private readonly wasm: PairScanner | undefined;
  private readonly wasmTables: number = 0;

  /** `options.wasm: false`: always the JS loop (the reference the tests compare with). */
  constructor(
    readonly needles: readonly Needle[],
    options: { wasm?: boolean } = {},
  ) {
    this.codes = needles.map((n) => Uint8Array.from(n.text, (ch) => ch.charCodeAt(0)));
    this.lowered = this.codes.map((codes, id) => (needles[id]!.ci ? codes.map(lower) : codes));
    needles.forEach((needle, id) => {
      const codes = this.codes[id]!;
      if (codes.length < 2 || codes.some((c) => c > 127)) throw new Error(`needle ${JSON.stringify(needle.text)}: two ASCII characters or more`);
      const variants = (c: number) => (needle.ci && isLetter(c) ? [lower(c), lower(c) - 32] : [c]);
      // How often the pair at i occurs (all its spellings when case-insensitive).
      const pairCost = (i: number) => {
        let sum = 0;
        for (const a of variants(codes[i]!)) for (const b of variants(codes[i + 1]!)) sum += pairFrequency(a, b);
        return sum;
      };
      // The scan reads pairs at even positions only: a needle registers two overlapping pairs,
      // one of which starts at an even position wherever the needle sits.
      if (codes.length === 2) {
        // The needle's pair, and its second character followed by anything (0: past the end).
        for (const a of variants(codes[0]!)) for (const b of variants(codes[1]!)) this.register((a << 8) | b, id, 0);
        for (const a of variants(codes[1]!)) for (let b = 0; b < 256; b++) this.register((a << 8) | b, id, 1);
        return;
      }
      let best = 0;
      for (let i = 1; i + 2 < codes.length; i++) if (pairCost(i) + pairCost(i + 1) < pairCost(best) + pairCost(best + 1)) best = i;
      for (const offset of [best, best + 1]) {
        for (const a of variants(codes[offset]!)) for (const b of variants(codes[offset + 1]!)) this.register((a << 8) | b, id, offset);
      }
    });
    const slots = this.entries.length + 1;
    this.next = new Int32Array(slots * 8);
    this.prev = new Int32Array(slots * 8);
    this.always = new Uint8Array(slots);
    this.entries.forEach((list, index) => {
      const slot = index + 1;
      for (const { id, offset } of list) {
        const codes = this.codes[id]!;
        const ci = needles[id]!.ci;
        const accept = (mask: Int32Array, c: number) => {
          for (const v of ci && isLetter(c) ? [lower(c), lower(c) - 32] : [c]) mask[slot * 8 + (v >>> 5)]! |= 1 << (v & 31);
        };
        if (offset + 2 < codes.length) accept(this.next, codes[offset + 2]!);
        else if (offset > 0) accept(this.prev, codes[offset - 1]!);
        else this.always[slot] = 1;
      }
    });
    const wasm = options.wasm === false || slots > MAX_SLOTS ? undefined : pairScanner();
    const tables = wasm && this.addWasmTables(wasm);
    if (tables !== undefined) [this.wasm, this.wasmTables] = [wasm, tables];
  }

  /** This set's tables in `wasm`'s memory (its `near` test runs there too); undefined when the scanner is busy. */
  private addWasmTables(wasm: PairScanner): number | undefined {
    const slots = new Uint16Array(65536);
    for (let word = 0; word < 2048; word++) {
      for (let w = this.bits[word]!; w !== 0; w &= w - 1) {
        const pair = (word << 5) | (31 - Math.clz32(w & -w));
        const slot = this.tableLE[pair]!;
        slots[pair] = slot | (this.always[slot]! << 15);
      }
    }
    const records = new Uint8Array(this.always.length * 64);
    const next = new Uint8Array(this.next.buffer);
    const prev = new Uint8Array(this.prev.buffer);
    for (let slot = 1; slot < this.always.length; slot++) {
      records.set(next.subarray(slot * 32, slot * 32 + 32), slot * 64);
      records.set(prev.subarray(slot * 32, slot * 32 + 32), slot * 64 + 32);
    }
    byteFrequencies ??= Float64Array.from({ length: 256 }, (_, code) => frequency(code));
    return wasm.addTables(nibbleTables(this.bits, byteFrequencies), this.bits, slots, records);
  }

  /**
   * Whether the bytes around the pair at `at` (slot `slot`) agree with one of its entries.
   * wasm/prefilter.ts makes the same test (the tests compare the two paths' hits).
   */
  private near(data: Uint8Array, slot: number, at: number): boolean {
    if (this.always[slot] === 1) return true;
    if (at + 2 < data.length) {
      const c = data[at + 2]!;
      if ((this.next[slot * 8 + (c >>> 5)]! & (1 << (c & 31))) !== 0) return true;
    }
    if (at > 0) {
      const c = data[at - 1]!;
      if ((this.prev[slot * 8 + (c >>> 5)]! & (1 << (c & 31))) !== 0) return true;
    }
    return false;
  }

  private register(pair: number, id: number, offset: number): void {
    let slot = this.table[pair]!;
    if (slot === 0) {
      this.entries.push([]);
      slot = this.entries.length;
      this.table[pair] = slot;
      const le = ((pair & 0xff) << 8) | (pair >>> 8);
      this.tableLE[le] = slot;
      this.bits[le >>> 5]! |= 1 << (le & 31);
    }
    const list = this.entries[slot - 1]!;
    if (!list.some((e) => e.id === id && e.offset === offset)) list.push({ id, offset });
  }

  /**
   * Calls `hit(id, start)` for every occurrence of a needle in `data` (bytes or a string's
   * char codes), in order of where its registered pair sits (so lines come in order). Returns
   * early when `hit` returns true.
   */
  scan(data: Uint8Array | string, hit: (id: number, start: number) => boolean | void): void {
    if (typeof data === 'string') this.scanString(data, hit);
    else this.scanBytes(data, hit);
  }

  // Two loops, each seeing one type only (the engine keeps them monomorphic and tight).
  private scanBytes(data: Uint8Array, hit: (id: number, start: number) => boolean | void): void {
    // A scan from inside a hit callback (the scanner is busy) takes the JS loop.
    if (this.wasm?.begin(this.wasmTables, data)) {
      try {
        this.scanWasmHits(this.wasm, data, hit);
      } finally {
        this.wasm.end();
      }
      return;
    }
    this.scanBytesJs(data, hit);
  }

  /** The positions the JS loop below would verify (table hits that pass `near`), found by `wasm`; the same checks follow. */
  private scanWasmHits(wasm: PairScanner, data: Uint8Array, hit: (id: number, start: number) => boolean | void): void {
    const tableLE = this.tableLE;
    const last = data.length - 1;
    for (let count = wasm.next(); count !== 0; count = wasm.next()) {
      const positions = wasm.positions;
      const base = wasm.base;
      for (let k = 0; k < count; k++) {
        const at = base + positions[k]!;
        if (at === last) {
          // The last byte of an odd length, then "past the end" (0): as the JS loop's tail.
          this.verifyBytes(data, tableLE[data[at]!]!, at, hit);
          return;
        }
        if (this.verifyBytes(data, tableLE[data[at]! | (data[at + 1]! << 8)]!, at, hit)) return;
      }
    }
  }

  private scanBytesJs(data: Uint8Array, hit: (id: number, start: number) => boolean | void): void {
    const n = data.length;
    let i = 0;
    if (LITTLE_ENDIAN && (data.byteOffset & 3) === 0 && n >= 64) {
      // Four bytes per load: the pairs at 4k and 4k + 2 are the word's low and high halves.
      const words = new Uint32Array(data.buffer, data.byteOffset, n >>> 2);
      const bits = this.bits;
      const tableLE = this.tableLE;
      const count = words.length;
      for (let k = 0; k < count; k++) {
        const w = words[k]!;
        const lo = w & 0xffff;
        if ((bits[lo >>> 5]! & (1 << (lo & 31))) !== 0) {
          const slot = tableLE[lo]!;
          const at = k << 2;
          if (this.near(data, slot, at) && this.verifyBytes(data, slot, at, hit)) return;
        }
        const hi = w >>> 16;
        if ((bits[hi >>> 5]! & (1 << (hi & 31))) !== 0) {
          const slot = tableLE[hi]!;
          const at = (k << 2) + 2;
          if (this.near(data, slot, at) && this.verifyBytes(data, slot, at, hit)) return;
        }
      }
      i = count << 2;
    }
    const table = this.table;
    const last = n - 1;
    for (; i < last; i += 2) {
      const slot = table[(data[i]! << 8) | data[i + 1]!]!;
      if (slot !== 0 && this.near(data, slot, i) && this.verifyBytes(data, slot, i, hit)) return;
    }
    if (i === last) {
      const slot = table[data[i]! << 8]!; // the last byte, then "past the end" (0)
      if (slot !== 0) this.verifyBytes(data, slot, i, hit);
    }
  }

  private scanString(data: string, hit: (id: number, start: number) => boolean | void): void {
    const table = this.table;
    const n = data.length;
    // Characters past Latin-1 read as 0: no needle holds them, and a pair (x, 0) is "x, then anything".
    for (let i = 0; i < n; i += 2) {
      const a = data.charCodeAt(i);
      const b = i + 1 < n ? data.charCodeAt(i + 1) : 0;
      const slot = table[((a < 256 ? a : 0) << 8) | (b < 256 ? b : 0)]!;
      if (slot !== 0 && this.verifyString(data, slot, i, hit)) return;
    }
  }

  /** `verify` over bytes: one element type, and the needle's lowered codes compared (no per-character test of the type or the case). */
  private verifyBytes(data: Uint8Array, slot: number, pairAt: number, hit: (id: number, start: number) => boolean | void): boolean {
    const list = this.entries[slot - 1]!;
    for (let e = 0; e < list.length; e++) {
      const { id, offset } = list[e]!;
      const start = pairAt - offset;
      const codes = this.lowered[id]!;
      const n = codes.length;
      if (start < 0 || start + n > data.length) continue;
      let k = 0;
      if (this.needles[id]!.ci) {
        for (; k < n; k++) {
          const c = data[start + k]!;
          if ((c - 65) >>> 0 < 26 ? (c | 32) !== codes[k] : c !== codes[k]) break;
        }
      } else {
        for (; k < n; k++) if (data[start + k] !== codes[k]) break;
      }
      if (k === n && hit(id, start) === true) return true;
    }
    return false;
  }

  /** `verify` over a string's char codes. */
  private verifyString(data: string, slot: number, pairAt: number, hit: (id: number, start: number) => boolean | void): boolean {
    for (const { id, offset } of this.entries[slot - 1]!) {
      const start = pairAt - offset;
      const codes = this.codes[id]!;
      if (start < 0 || start + codes.length > data.length) continue;
      const ci = this.needles[id]!.ci;
      let ok = true;
      for (let k = 0; k < codes.length && ok; k++) {
        const c = data.charCodeAt(start + k);
        ok = ci ? lower(c) === lower(codes[k]!) : c === codes[k];
      }
      if (ok && hit(id, start) === true) return true;
    }
    return false;
  }
}
