// The WebAssembly search of NeedleSet.scanBytes (prefilterWasm.ts, wasm/prefilter.ts) must give
// exactly the hits of the JS loop (ids, positions, order, early return) on every input, and the
// committed module must be what scripts/build-wasm.mjs makes of the source today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NeedleSet, type Needle } from '../../src/core/secrets/prefilter';
import { instantiate, nibbleTables, pairScanner } from '../../src/core/secrets/prefilterWasm';
import { PREFILTER_WASM_BASE64 } from '../../src/core/secrets/prefilterWasm.generated';
import { CONTEXT_RULES, PATTERN_RULES } from '../../src/core/secrets/providers';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';
import { STRUCTURAL_DETECTORS } from '../../src/core/secrets/structural';
import { ENGINE_NEEDLES } from '../../src/core/secrets/scanText';

const root = join(__dirname, '..', '..');
// The engine's set (scanText.ts): the provider keywords, then the name triggers.
const ENGINE: readonly Needle[] = ENGINE_NEEDLES;
const SMALL: Needle[] = [
  { text: 'cred', ci: true },
  { text: 'pat', ci: true },
  { text: 'pw', ci: true },
  { text: 'AC', ci: false },
  { text: '://', ci: false },
  { text: 'secret_', ci: false },
];
const sets = [ENGINE, SMALL].map((needles) => ({ wasm: new NeedleSet(needles), js: new NeedleSet(needles, { wasm: false }), needles }));

function hits(set: NeedleSet, data: Uint8Array | string, stopAfter = Infinity): string {
  const out: string[] = [];
  set.scan(data, (id, at) => {
    out.push(`${id}@${at}`);
    return out.length >= stopAfter;
  });
  return out.join(' ');
}

/** Both paths over `bytes`, also at odd and even offsets into a larger buffer, and stopping early. */
function assertSame(bytes: Uint8Array, what: string): void {
  for (const { wasm, js } of sets) {
    const expected = hits(js, bytes);
    assert.equal(hits(wasm, bytes), expected, what);
    for (const shift of [1, 2, 3]) {
      const backing = new Uint8Array(bytes.length + shift);
      backing.set(bytes, shift);
      assert.equal(hits(wasm, backing.subarray(shift)), expected, `${what} at byteOffset ${shift}`);
    }
    const count = expected === '' ? 0 : expected.split(' ').length;
    if (count > 1) {
      const stop = 1 + (count >> 1);
      assert.equal(hits(wasm, bytes, stop), hits(js, bytes, stop), `${what}, stopping after ${stop} hits`);
    }
  }
}

test('the WebAssembly module instantiates here (Node has SIMD), and bad bytes fall back silently', () => {
  assert.ok(pairScanner(), 'WebAssembly SIMD unavailable: the JS loop would run');
  assert.equal(instantiate(Uint8Array.of(0, 97, 115, 109, 9, 9, 9, 9)), undefined);
  assert.ok((sets[0]!.wasm as unknown as { wasm: unknown }).wasm, 'the engine set uses the wasm path');
  assert.equal((sets[0]!.js as unknown as { wasm: unknown }).wasm, undefined);
});

test('wasm and JS give the same hits on every rule sample and on the fixtures', () => {
  const samples = [
    ...PATTERN_RULES.flatMap((r) => [...r.tps, ...r.fps]),
    ...CONTEXT_RULES.flatMap((r) => [...r.tps, ...r.fps]),
    ...STRUCTURAL_DETECTORS.flatMap((r) => [...r.tps, ...r.fps]),
  ];
  samples.forEach((template, i) => {
    const sample = expandSample(template, new SeededRandom(`wasm-sample:${i}`));
    assertSame(Buffer.from(sample, 'utf8'), `sample ${i}`);
    assertSame(Buffer.from(`const a = 1;\n${sample}\n// é ${sample}`, 'utf8'), `sample ${i} in text`);
  });
  for (const dir of ['secrets', 'secrets-configs']) {
    const base = join(root, 'test', 'fixtures', dir);
    for (const name of readdirSync(base, { recursive: true }) as string[]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(base, name));
      } catch {
        continue; // a folder
      }
      assertSame(bytes, `${dir}/${name}`);
    }
  }
});

test('wasm and JS give the same hits on thousands of random texts, at every alignment', () => {
  const r = new SeededRandom('wasm-random');
  const words = [...ENGINE.map((n) => n.text), ...SMALL.map((n) => n.text)];
  const piece = (): string => {
    const roll = r.int(10);
    if (roll < 4) {
      // A needle, a near-needle (cut short, or one letter changed), in a random case.
      let word = words[r.int(words.length)]!;
      if (roll === 1) word = word.slice(0, Math.max(1, word.length - 1));
      if (roll === 2) word = word.slice(1);
      if (roll === 3) word = [...word].map((c) => (r.int(2) ? c.toUpperCase() : c.toLowerCase())).join('');
      return word;
    }
    if (roll < 8) return 'abcdefghijklmnopqrstuvwxyz _-:/."=\n'.charAt(r.int(35)).repeat(1 + r.int(3));
    return String.fromCharCode(...Array.from({ length: 1 + r.int(4) }, () => r.int(256)));
  };
  for (let i = 0; i < 3000; i++) {
    const length = r.int(200);
    let text = '';
    while (text.length < length) text += piece();
    assertSame(Buffer.from(text.slice(0, length), 'latin1'), `random text ${i}`);
  }
  for (let i = 0; i < 300; i++) {
    assertSame(Uint8Array.from({ length: r.int(200) }, () => r.int(256)), `random bytes ${i}`);
  }
});

test('wasm and JS give the same hits on texts larger than a chunk, needles straddling chunk ends', () => {
  const r = new SeededRandom('wasm-large');
  const chunk = 4 << 20;
  for (const length of [chunk - 1, chunk, chunk + 1, chunk + 3, 2 * chunk + 7]) {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = 97 + r.int(26);
    // Needles around each chunk end, at each alignment, and at the very end.
    for (let end = chunk; end <= length; end += chunk) {
      for (const [k, word] of ['token', 'pw', 'cred', '://', 'AKIA'].entries()) Buffer.from(word).copy(bytes, end - 3 - k * 9 + (k & 1));
    }
    Buffer.from('PW').copy(bytes, length - 2);
    assertSame(bytes, `${length} bytes`);
  }
});

/** Runs `body` with the scanner copying `chunk` bytes at a time (chunk ends everywhere). */
function withChunk(chunk: number, body: () => void): void {
  const scanner = pairScanner()!;
  const saved = scanner.chunk;
  scanner.chunk = chunk;
  try {
    body();
  } finally {
    scanner.chunk = saved;
  }
}

test('the near test in wasm: needles and near-needles at the first and last positions of the buffer and of small chunks', () => {
  const r = new SeededRandom('wasm-near-edges');
  const words = [...new Set([...ENGINE, ...SMALL].map((n) => n.text))];
  // The word, and the forms whose byte before or after the registered pair decides: cut at
  // either end, or with the first or last character changed.
  const variants = (w: string) => [w, w.slice(1), w.slice(0, -1), `~${w.slice(1)}`, `${w.slice(0, -1)}~`, w.toUpperCase()];
  for (const chunk of [4 << 20, 2, 4, 6, 32, 34]) {
    withChunk(chunk, () => {
      for (const word of words) {
        for (const form of variants(word)) {
          for (let before = 0; before < 4; before++) {
            for (let after = 0; after < 4; after++) {
              const filler = (n: number) => Array.from({ length: n }, () => 'xa_~:'.charAt(r.int(5))).join('');
              const text = filler(before) + form + filler(after);
              assertSame(Buffer.from(text, 'latin1'), `${JSON.stringify(text)} in chunks of ${chunk}`);
            }
          }
        }
      }
    });
  }
});

test('wasm and JS give the same hits on random texts in chunks of a few bytes (neighbours in the next and previous chunk)', () => {
  const r = new SeededRandom('wasm-small-chunks');
  const words = [...ENGINE.map((n) => n.text), ...SMALL.map((n) => n.text)];
  for (const chunk of [2, 4, 30, 32, 66]) {
    withChunk(chunk, () => {
      for (let i = 0; i < 300; i++) {
        let text = '';
        const length = r.int(300);
        while (text.length < length) text += r.int(3) === 0 ? words[r.int(words.length)]! : 'ab_ -:/'.charAt(r.int(7));
        assertSame(Buffer.from(text, 'latin1'), `random text ${i} in chunks of ${chunk}`);
      }
    });
  }
});

test('a scan from inside a hit callback (nested) gives the JS hits too', () => {
  const { wasm, js } = sets[0]!;
  const text = Buffer.from('x token y AKIA z secret\n'.repeat(50));
  const nested = (set: NeedleSet) => {
    const out: string[] = [];
    set.scan(text, (id, at) => {
      out.push(`${id}@${at}:${hits(set, text.subarray(at, at + 40))}`);
    });
    return out.join('|');
  };
  assert.equal(nested(wasm), nested(js));
});

test('the nibble buckets let every pair of the set through (a superset test), at most 8 buckets', () => {
  const r = new SeededRandom('wasm-nibbles');
  const cases = sets.map(({ js }) => (js as unknown as { bits: Int32Array }).bits);
  for (let i = 0; i < 50; i++) {
    const bits = new Int32Array(2048);
    for (let k = r.int(2000); k >= 0; k--) {
      const pair = r.int(65536);
      bits[pair >>> 5]! |= 1 << (pair & 31);
    }
    cases.push(bits);
  }
  for (const bits of cases) {
    const weights = Float64Array.from({ length: 256 }, () => 1 + r.int(3) * r.int(100));
    const t = nibbleTables(bits, weights);
    for (let pair = 0; pair < 65536; pair++) {
      if ((bits[pair >>> 5]! & (1 << (pair & 31))) === 0) continue;
      const a = pair & 0xff;
      const b = pair >>> 8;
      assert.notEqual(t[a & 15]! & t[16 + (a >>> 4)]! & t[32 + (b & 15)]! & t[48 + (b >>> 4)]!, 0, `pair ${pair}`);
    }
  }
});

test('a set made inside a hit callback (the scanner busy) takes the JS loop, and the outer scan is undisturbed', () => {
  const { wasm, js } = sets[0]!;
  const text = Buffer.from('x token y AKIA z secret\n'.repeat(4)); // each set's tables stay in wasm memory: few
  const made = (set: NeedleSet) => {
    const out: string[] = [];
    set.scan(text, (id, at) => {
      const inner = new NeedleSet(SMALL);
      out.push(`${id}@${at}:${hits(inner, text.subarray(at, at + 40))}:${(inner as unknown as { wasm: unknown }).wasm === undefined}`);
    });
    return out.join('|');
  };
  const expected = made(js);
  assert.match(expected, /:false/, 'outside a wasm walk, the inner set uses wasm');
  assert.equal(made(wasm), expected.replaceAll(':false', ':true'));
});

test('the string path is untouched: the same hits as the bytes', () => {
  const { wasm, js } = sets[0]!;
  const text = 'const token = "x"; AKIA secret pw ://';
  assert.equal(hits(wasm, text), hits(js, text));
  assert.equal(hits(wasm, text), hits(js, Buffer.from(text)));
});

test('the committed wasm module is what scripts/build-wasm.mjs makes of wasm/prefilter.ts', async () => {
  const script = '../../scripts/build-wasm.mjs'; // a plain .mjs: typed here
  const build = (await import(script)) as {
    compileWasm(): Promise<Uint8Array>;
    generatedModule(binary: Uint8Array): string;
    GENERATED: string;
  };
  const binary = await build.compileWasm();
  assert.equal(Buffer.from(binary).toString('base64'), PREFILTER_WASM_BASE64, 'run `npm run build:wasm`');
  assert.equal(build.generatedModule(binary), readFileSync(join(root, build.GENERATED), 'utf8'), 'run `npm run build:wasm`');
});
