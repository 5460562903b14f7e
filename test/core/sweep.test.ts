// `scan --all-files`: the sweep (src/core/scan/sweep.ts) reads every file into one reused
// buffer and runs the bytes-level engine; it must report exactly what reading each file on its
// own and scanning its text reports, and count what it skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSecretsInText } from '../../src/core/scan/secretFindings';
import { sweepFiles, sweepKindOf, type SweepResult } from '../../src/core/scan/sweep';
import { CONTEXT_RULES, PATTERN_RULES } from '../../src/core/secrets/providers';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';

const LIMIT = 4096;

/** A folder of files of every kind and size around the limit; returns the paths in sweep order. */
function corpus(dir: string): string[] {
  const random = new SeededRandom('sweep-corpus');
  const samples = [...PATTERN_RULES.flatMap((r) => r.tps), ...CONTEXT_RULES.flatMap((r) => r.tps)];
  const names = ['notes.md', 'deploy.sh', 'app.ts', 'settings.yml', 'data.json', 'local.env', 'README', 'main.py'];
  const files: string[] = [];
  const add = (name: string, content: string | Buffer) => {
    const file = join(dir, `${files.length}-${name}`);
    writeFileSync(file, content);
    files.push(file);
  };
  for (let i = 0; i < 160; i++) {
    const lines: string[] = [];
    const count = random.int(40);
    for (let l = 0; l < count; l++) {
      const roll = random.int(100) / 100;
      if (roll < 0.08) lines.push(`const apiKey = "${expandSample(samples[random.int(samples.length)]!, random)}";`);
      else if (roll < 0.12) lines.push(`TOKEN=${expandSample(samples[random.int(samples.length)]!, random)}`);
      else lines.push(`line ${l}: the quick brown fox, é 中文, retries = ${random.int(100)}`);
    }
    add(names[i % names.length]!, lines.join(i % 3 === 0 ? '\r\n' : '\n'));
  }
  // Sizes at the limit: exactly, one under, one over, far over; empty; binary; BOM.
  const filler = (n: number) => `token = "${expandSample('ghp_<<an:36>>', random)}"\n`.padEnd(n, 'x');
  add('exact.txt', filler(LIMIT));
  add('under.txt', filler(LIMIT - 1));
  add('over.txt', filler(LIMIT + 1));
  add('huge.txt', filler(LIMIT * 10));
  add('empty.txt', '');
  add('binary.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, ...Buffer.from(' ghp_' + 'a'.repeat(36))]));
  add('bom.ts', `\ufeffconst password = "${expandSample('<<an:24>>', random)}";\n`);
  // Listed, then gone before the sweep reads it (a file deleted mid-scan).
  files.push(join(dir, 'vanished.txt'));
  mkdirSync(join(dir, 'a-folder.md'));
  files.push(join(dir, 'a-folder.md')); // a folder where a file was expected
  return files;
}

/** What each file's own read and text scan report: the reference. */
function reference(files: readonly string[], root: string): string[] {
  const out: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      const bytes = require('node:fs').readFileSync(file) as Buffer;
      if (bytes.length > LIMIT || bytes.subarray(0, 8000).includes(0)) continue;
      text = bytes.toString('utf8');
    } catch {
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    for (const hit of findSecretsInText(file, text, sweepKindOf(file), { root })) out.push(describe(hit.finding));
  }
  return out;
}

const describe = (f: { file: string; ruleId: string; range: { start: { line: number; column: number } }; fingerprint?: string; secret?: { redacted: string } }) =>
  `${f.file}:${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.secret?.redacted} ${f.fingerprint}`;

const found = (result: SweepResult) => result.files.flatMap((f) => f.hits.map((h) => describe(h.finding)));
const shape = (result: SweepResult) => ({ found: found(result), problems: result.problems.map((p) => `${p.file}: ${p.message}`), scanned: result.scanned, bytes: result.bytes });

test('the sweep reports what each file scanned on its own reports, and counts what it skips', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcps-sweep-'));
  try {
    const files = corpus(dir);
    const expected = reference(files, dir);
    assert.ok(expected.length >= 20, `the corpus plants findings (${expected.length})`);
    const result = sweepFiles(files, { root: dir, maxFileBytes: LIMIT });
    assert.deepEqual(found(result), expected);
    assert.equal(result.scanned, files.length - 5, 'two files over the limit, the binary, the vanished file and the folder are not scanned');
    const problems = result.problems.map((p) => p.message).join('\n');
    assert.match(problems, /2 files over the 4 KB limit not read for secrets/);
    assert.match(problems, /1 binary file not read for secrets/);
    assert.match(problems, /Could not read file: ENOENT/);
    assert.match(problems, /Could not read file: EISDIR/);
    // A file larger than the first buffer (1 MiB) grows it, up to the limit.
    const big = join(dir, 'big.md');
    writeFileSync(big, `${'filler line\n'.repeat(150_000)}password = "${expandSample('<<an:24>>', new SeededRandom('big'))}"\n`);
    const grown = sweepFiles([big, ...files], { root: dir, maxFileBytes: 3 * 1024 * 1024 });
    const bigFound = found(grown).filter((f) => f.startsWith(big));
    assert.equal(bigFound.length, 1, 'the secret after 1.8 MB of text');
    assert.equal(grown.scanned, files.length - 3 + 1, 'under the larger limit only the binary, the vanished file and the folder are not scanned');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty list ends at once', () => {
  const result = sweepFiles([], { root: tmpdir(), maxFileBytes: LIMIT });
  assert.deepEqual(shape(result), { found: [], problems: [], scanned: 0, bytes: 0 });
});

test('sweepKindOf: dotenv names, source extensions, everything else as plain text', () => {
  assert.equal(sweepKindOf('/x/.env'), 'dotenv');
  assert.equal(sweepKindOf('/x/.env.production'), 'dotenv');
  assert.equal(sweepKindOf('/x/prod.env'), 'dotenv');
  assert.equal(sweepKindOf('/x/a.TS'), 'source');
  assert.equal(sweepKindOf('/x/a.json'), 'source');
  assert.equal(sweepKindOf('/x/a.py'), 'source');
  assert.equal(sweepKindOf('/x/README'), 'plain');
  assert.equal(sweepKindOf('/x/deploy.sh'), 'plain');
  assert.equal(sweepKindOf('/x/notes.md'), 'plain');
});
