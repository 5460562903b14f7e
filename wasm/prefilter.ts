// The candidate search of NeedleSet.scanBytes (src/core/secrets/prefilter.ts) in WebAssembly
// with SIMD: it finds the even positions i whose byte pair (i, i + 1), read as the
// little-endian 16-bit word, is in the needle set's 64K-bit set and whose neighbours pass the
// set's `near` test, and writes them in ascending order to an output array; JS verifies them.
// Compiled by scripts/build-wasm.mjs into src/core/secrets/prefilterWasm.generated.ts.
//
// Per 32 bytes (a block): the 16 even bytes and the 16 odd bytes are separated with a shuffle, then a
// Teddy-style superset test (one table per nibble of each byte of the pair, whose 8 bits are
// 8 buckets of pairs; a pair may be in the set only if some bucket has all four nibbles) keeps
// the positions worth the exact test against the 64K-bit set. Four blocks' survivors are
// gathered in one 64-bit mask before the exact test walks them: where the survivors fall is
// unpredictable, and the walk's loop exit mispredicts once per 128 bytes rather than per 32.
//
// Memory is laid out by the caller (src/core/secrets/prefilterWasm.ts): no allocator.

/** Where the last call stopped: `length` when done, else the position to resume from. */
let stoppedAt: u32 = 0;

export function stopped(): u32 {
  return stoppedAt;
}

/**
 * Scans the even positions in [from, length) of the bytes at `input` (`from` a multiple of 32;
 * 128 bytes past input + length and the byte before `input` are readable: the caller puts there
 * the data's byte after and before the chunk, or 0).
 * `tables`: 4 × 16 bytes of nibble tables (first byte's low and high nibble, second byte's low
 * and high nibble), then the 8 KB bit set (bit `pair & 31` of 32-bit word `pair >> 5`), then
 * the slot of each pair (65536 × u16, 0: none; bit 15: the slot accepts any neighbours), then
 * per slot 64 bytes: the 256-bit set of bytes accepted after the pair, then before it.
 * Reports a position when its pair is in the set and passes NeedleSet's `near`: its slot
 * accepts anything, or the byte after the pair (when the data has one: at + 2 < `avail`, the
 * data's length from the chunk's start, capped) or the byte before (when the data has one:
 * at > 0, or `before` is 1) is accepted. The last byte of an odd-length text (its pair ends with
 * the 0 past the end) is reported when its pair is in the set, as the JS loop's tail.
 * Writes up to `capacity` positions (32-bit) at `out`; returns how many; see `stopped()`.
 */
export function scan(tables: usize, input: usize, from: u32, length: u32, avail: u32, before: u32, out: usize, capacity: u32): u32 {
  const firstLo = v128.load(tables);
  const firstHi = v128.load(tables, 16);
  const secondLo = v128.load(tables, 32);
  const secondHi = v128.load(tables, 48);
  const bits = tables + 64;
  const low4 = i8x16.splat(0x0f);
  const zero = i8x16.splat(0);
  let count: u32 = 0;
  let p = from;
  // One step (128 bytes) can add 64 positions: stop while that still fits.
  while (p < length && capacity - count >= 64) {
    let lanes: u64 = 0; // bit j: position p + 2j
    for (let b = 0; b < 4; b++) {
      const q = input + p + (b << 5);
      const x = v128.load(q);
      const y = v128.load(q, 16);
      const first = i8x16.shuffle(x, y, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
      const second = i8x16.shuffle(x, y, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
      const buckets = v128.and(
        // (High nibbles by a 16-bit shift and a mask: x86 has no 8-bit vector shift for i8x16.shr_u.)
        v128.and(i8x16.swizzle(firstLo, v128.and(first, low4)), i8x16.swizzle(firstHi, v128.and(i16x8.shr_u(first, 4), low4))),
        v128.and(i8x16.swizzle(secondLo, v128.and(second, low4)), i8x16.swizzle(secondHi, v128.and(i16x8.shr_u(second, 4), low4))),
      );
      lanes |= <u64>i8x16.bitmask(i8x16.ne(buckets, zero)) << (b << 4);
    }
    const left = length - p;
    if (left < 128) {
      const valid = (left + 1) >> 1; // the positions before the end (a shift by 64 would be by 0)
      if (valid < 64) lanes &= (<u64>1 << valid) - 1;
    }
    while (lanes != 0) {
      const at = p + (<u32>ctz(lanes) << 1);
      lanes &= lanes - 1;
      const pair = <u32>load<u16>(input + at);
      // Branch-free: about one survivor in four is in the set, a branch on it would mispredict.
      store<u32>(out + (count << 2), at);
      count += (load<u32>(bits + ((pair >> 5) << 2)) >> (pair & 31)) & 1;
    }
    p += 128;
  }
  stoppedAt = p < length ? p : length;
  // The `near` test over the pairs found, keeping the survivors in place (branch-free too: most fail).
  const slots = tables + 64 + 8192;
  const records = slots + 131072;
  let kept: u32 = 0;
  for (let k: u32 = 0; k < count; k++) {
    const at = load<u32>(out + (k << 2));
    const slot = <u32>load<u16>(slots + (<usize>load<u16>(input + at) << 1));
    const record = records + ((slot & 0x7fff) << 6);
    const after = <u32>load<u8>(input + at, 2);
    const prior = <u32>load<u8>(input + at - 1);
    let keep = (slot >> 15) | <u32>(at + 1 == length); // any neighbours; the odd tail
    keep |= (<u32>load<u8>(record + (after >> 3)) >> (after & 7)) & <u32>(at + 2 < avail);
    keep |= (<u32>load<u8>(record + 32 + (prior >> 3)) >> (prior & 7)) & (<u32>(at > 0) | before);
    store<u32>(out + (kept << 2), at);
    kept += keep & 1;
  }
  return kept;
}
