/**
 * The WebAssembly side of NeedleSet.scanBytes (prefilter.ts): finds the even positions whose
 * byte pair is in a needle set's 64K-bit set, with SIMD (source: wasm/prefilter.ts).
 *
 * Why: the CLI scans tens of thousands of files in a fresh process, where the JS loop runs
 * interpreted or half-optimized until the JIT has compiled it (and competes with other threads
 * for the JIT's compiler); WebAssembly is compiled before its first call and needs no warm-up.
 *
 * One instance per thread, made on first use. Memory (no allocator on the wasm side):
 * [output positions][one table set per NeedleSet][input chunk + padding]. The caller's bytes
 * are copied in CHUNK bytes at a time, so memory stays bounded whatever the file's size; the
 * data's bytes just before and after the chunk are copied beside it, for the `near` test.
 * Where WebAssembly or its SIMD is missing (instantiation throws), `pairScanner()` is undefined
 * and NeedleSet keeps its JS loop.
 */
import { PREFILTER_WASM_BASE64 } from './prefilterWasm.generated';

/** Bytes scanned per copy into wasm memory. Even, so a pair at an even position never straddles two chunks. */
const CHUNK = 4 << 20;
/** Positions one call of `scan` may write; when full it returns and the next call resumes. */
const OUT_CAPACITY = 16384;
/** Readable bytes past a chunk: the byte after it (or the 0 that ends an odd-length text's last pair), and the rest of the last 128-byte step. */
const PAD = 192;
/** Bytes before a chunk (the first holds the data's byte before the chunk; 16 keeps the chunk aligned). */
const LEAD = 16;
/** Per table set: 4 × 16 bytes of nibble tables, the 8 KB bit set, the slot of each pair (65536 × u16); then 64 bytes per slot. */
const TABLES_SIZE = 64 + 8192 + 131072;
/** Slots a table set may have (bit 15 of a slot number marks "any neighbours"). */
export const MAX_SLOTS = 0x8000;
const PAGE = 65536;

/** The part of the WebAssembly JS API used here (the project's ES2022 lib has no DOM types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};

interface PrefilterExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(tables: number, input: number, from: number, length: number, avail: number, before: number, out: number, capacity: number): number;
  stopped(): number;
}

/**
 * Walks one byte array's candidate positions: `begin`, then `next()` until it returns 0, each
 * time reading `positions[0 .. count)` (offsets from `base`), then `end()`. One walk at a time
 * per thread (`begin` returns false while another is under way, e.g. from inside a hit callback).
 */
export class PairScanner {
  private memoryBytes: Uint8Array;
  /** The output positions (a view of wasm memory: read it after each `next()`, memory may have grown). */
  positions: Uint32Array;
  /** Offset in the caller's data of the current chunk (positions are relative to it). */
  base = 0;
  /** Bytes copied and scanned at a time (even; tests make it small to put chunk ends everywhere). */
  chunk = CHUNK;
  private tablesEnd = OUT_CAPACITY * 4;
  private data: Uint8Array | undefined;
  private tables = 0;
  /** Within the current chunk: where to resume, and its length. */
  private from = 0;
  private length = 0;

  constructor(private readonly wasm: PrefilterExports) {
    this.memoryBytes = new Uint8Array(wasm.memory.buffer);
    this.positions = new Uint32Array(0);
    this.reserve(this.tablesEnd + LEAD + PAD);
  }

  /**
   * Copies a set's tables into wasm memory; returns the handle `begin` takes. `slots`: per
   * little-endian pair, its slot (< MAX_SLOTS), with bit 15 set when the slot accepts any
   * neighbours; `records`: per slot (slot 0 included, empty) the 32 bytes of the 256-bit set of
   * bytes accepted after the pair, then the 32 of those accepted before it.
   * Undefined while a walk is under way (a set made inside a hit callback): the tables would
   * take the place of the chunk being scanned, and memory growth would detach `positions`.
   */
  addTables(nibbles: Uint8Array, bits: Int32Array, slots: Uint16Array, records: Uint8Array): number | undefined {
    if (this.data !== undefined) return undefined;
    const at = this.tablesEnd;
    this.tablesEnd += TABLES_SIZE + records.length;
    this.tablesEnd += -this.tablesEnd & 15;
    this.reserve(this.tablesEnd + LEAD + PAD);
    this.memoryBytes.set(nibbles.subarray(0, 64), at);
    this.memoryBytes.set(new Uint8Array(bits.buffer, bits.byteOffset, 8192), at + 64);
    this.memoryBytes.set(new Uint8Array(slots.buffer, slots.byteOffset, 131072), at + 64 + 8192);
    this.memoryBytes.set(records, at + TABLES_SIZE);
    return at;
  }

  begin(tables: number, data: Uint8Array): boolean {
    if (this.data !== undefined) return false;
    this.data = data;
    this.tables = tables;
    this.base = 0;
    this.length = 0;
    this.from = 0;
    return true;
  }

  /** How many positions the next batch holds; 0 when the data is done. */
  next(): number {
    const data = this.data!;
    const input = this.tablesEnd + LEAD;
    for (;;) {
      if (this.from >= this.length) {
        // The next chunk (the first, or the one after a finished chunk).
        const start = this.base + this.length;
        if (start >= data.length) return 0;
        this.base = start;
        this.length = Math.min(this.chunk, data.length - start);
        this.from = 0;
        this.reserve(input + this.length + PAD);
        this.memoryBytes.set(data.subarray(start, start + this.length), input);
        this.memoryBytes[input - 1] = start > 0 ? data[start - 1]! : 0;
        this.memoryBytes[input + this.length] = start + this.length < data.length ? data[start + this.length]! : 0;
      }
      // The data's length from the chunk's start, capped (only `at + 2 < avail` matters, at + 2 <= length).
      const avail = Math.min(data.length - this.base, this.length + 1);
      const count = this.wasm.scan(this.tables, input, this.from, this.length, avail, this.base > 0 ? 1 : 0, 0, OUT_CAPACITY);
      this.from = this.wasm.stopped();
      if (count > 0) return count;
    }
  }

  end(): void {
    this.data = undefined;
  }

  private reserve(bytes: number): void {
    const memory = this.wasm.memory;
    if (memory.buffer.byteLength >= bytes && this.positions.length > 0) return;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    this.memoryBytes = new Uint8Array(memory.buffer);
    this.positions = new Uint32Array(memory.buffer, 0, OUT_CAPACITY);
  }
}

let scanner: PairScanner | null | undefined;

/** This thread's scanner, made on first call; undefined where WebAssembly SIMD is unavailable. */
export function pairScanner(): PairScanner | undefined {
  if (scanner === undefined) scanner = instantiate(Buffer.from(PREFILTER_WASM_BASE64, 'base64')) ?? null;
  return scanner ?? undefined;
}

/** A scanner over the given module bytes, or undefined when they cannot be instantiated here. */
export function instantiate(bytes: Uint8Array): PairScanner | undefined {
  let instance: { exports: object };
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  } catch {
    return undefined;
  }
  return new PairScanner(instance.exports as PrefilterExports);
}

/**
 * The nibble tables of the superset test: pairs grouped into 8 buckets (a bit each); a pair
 * (a, b) passes when some bucket holds a's low and high nibble and b's low and high nibble.
 * A bucket gathers all the pairs of some first bytes; the grouping is chosen greedily so that
 * the text (bytes weighted by `weights[byte]`, their expected frequency) passes as rarely as
 * possible. Typed arrays throughout: this runs once per set, usually before the JIT has warmed up.
 */
export function nibbleTables(bits: Int32Array, weights: ArrayLike<number>): Uint8Array {
  // Per first byte: the nibbles of its second bytes, as 16-bit masks; the first bytes in the
  // order of their first pair (little-endian pair order).
  const secondLo = new Int32Array(256);
  const secondHi = new Int32Array(256);
  const firsts: number[] = [];
  for (let word = 0; word < 2048; word++) {
    for (let w = bits[word]!; w !== 0; w &= w - 1) {
      const pair = (word << 5) | (31 - Math.clz32(w & -w));
      const a = pair & 0xff; // little-endian: the first byte is the low one
      const b = pair >>> 8;
      if (secondLo[a] === 0) firsts.push(a);
      secondLo[a]! |= 1 << (b & 15);
      secondHi[a]! |= 1 << (b >>> 4);
    }
  }
  // rows[h * 512 + half * 256 + m]: the weight of the bytes with high nibble h whose low nibble
  // is in mask m (half 0: low nibbles 0-7, half 1: 8-15), so `share` costs 32 lookups at most.
  const rows = new Float64Array(16 * 512);
  for (let h = 0; h < 16; h++) {
    for (let half = 0; half < 2; half++) {
      const row = h * 512 + half * 256;
      for (let m = 1; m < 256; m++) rows[row + m] = rows[row + (m & (m - 1))]! + weights[(h << 4) | (half * 8 + 31 - Math.clz32(m & -m))]!;
    }
  }
  // How much of the text the nibble masks let through.
  const share = (lo: number, hi: number) => {
    let sum = 0;
    for (let m = hi; m !== 0; m &= m - 1) {
      const row = (31 - Math.clz32(m & -m)) * 512;
      sum += rows[row + (lo & 255)]! + rows[row + 256 + (lo >>> 8)]!;
    }
    return sum;
  };
  // Group g's masks (first byte's low and high nibbles, second byte's), and its cost.
  const n = firsts.length;
  const masks = new Int32Array(n * 4);
  const costs = new Float64Array(n);
  const cost = (fLo: number, fHi: number, sLo: number, sHi: number) => share(fLo, fHi) * share(sLo, sHi);
  firsts.forEach((a, g) => {
    masks.set([1 << (a & 15), 1 << (a >>> 4), secondLo[a]!, secondHi[a]!], g * 4);
    costs[g] = cost(masks[g * 4]!, masks[g * 4 + 1]!, masks[g * 4 + 2]!, masks[g * 4 + 3]!);
  });
  const mergedCost = (x: number, y: number) =>
    cost(masks[x * 4]! | masks[y * 4]!, masks[x * 4 + 1]! | masks[y * 4 + 1]!, masks[x * 4 + 2]! | masks[y * 4 + 2]!, masks[x * 4 + 3]! | masks[y * 4 + 3]!);
  // merged[x * n + y] (x < y): the cost of groups x and y as one bucket, and gains[…] what
  // merging them adds; per group x, the y > x of the cheapest merge (the first on ties). Kept up
  // to date as groups merge, so each step reads one row per group instead of all pairs.
  const merged = new Float64Array(n * n);
  const gains = new Float64Array(n * n);
  const update = (x: number, y: number) => {
    merged[x * n + y] = mergedCost(x, y);
    gains[x * n + y] = merged[x * n + y]! - costs[x]! - costs[y]!;
  };
  const dead = new Uint8Array(n);
  const bestY = new Int32Array(n);
  const bestGain = new Float64Array(n);
  const scanRow = (x: number) => {
    bestY[x] = -1;
    bestGain[x] = Infinity;
    for (let y = x + 1; y < n; y++) {
      if (dead[y] === 0 && gains[x * n + y]! < bestGain[x]!) {
        bestY[x] = y;
        bestGain[x] = gains[x * n + y]!;
      }
    }
  };
  for (let x = 0; x < n; x++) for (let y = x + 1; y < n; y++) update(x, y);
  for (let x = 0; x < n; x++) scanRow(x);
  // The cheapest merge first (the first pair, in the groups' order, on ties), until 8 are left.
  for (let left = n; left > 8; left--) {
    let x = -1;
    for (let z = 0; z < n; z++) if (dead[z] === 0 && bestY[z]! >= 0 && (x < 0 || bestGain[z]! < bestGain[x]!)) x = z;
    const y = bestY[x]!;
    for (let k = 0; k < 4; k++) masks[x * 4 + k]! |= masks[y * 4 + k]!;
    costs[x] = merged[x * n + y]!;
    dead[y] = 1;
    for (let z = 0; z < n; z++) {
      if (dead[z] === 1 || z === x) continue;
      if (z < x) update(z, x);
      else update(x, z);
    }
    scanRow(x);
    for (let z = 0; z < y; z++) {
      if (dead[z] === 1 || z === x) continue;
      if (bestY[z] === x || bestY[z] === y) scanRow(z);
      else if (z < x && (gains[z * n + x]! < bestGain[z]! || (gains[z * n + x]! === bestGain[z]! && x < bestY[z]!))) {
        bestY[z] = x;
        bestGain[z] = gains[z * n + x]!;
      }
    }
  }
  const live: number[] = [];
  for (let g = 0; g < n; g++) if (dead[g] === 0) live.push(g);
  const tables = new Uint8Array(64);
  live.forEach((g, bucket) => {
    for (let k = 0; k < 4; k++) {
      for (let nibble = 0; nibble < 16; nibble++) if (masks[g * 4 + k]! & (1 << nibble)) tables[k * 16 + nibble]! |= 1 << bucket;
    }
  });
  return tables;
}
