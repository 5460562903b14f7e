// Safety: regexes stay linear on adversarial input, nothing the engine returns or prints
// contains a secret, fingerprints are stable, and decoded offsets map back into literals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import {
  decodedToRawOffsets,
  detectSecretsInValue,
  mapDecodedRange,
  redactSecret,
  scanTextForSecrets,
  scanTextForSecretsDetailed,
  secretFingerprint,
  secretMessage,
} from '../../src/core/secrets';
import { CONTEXT_RULES, PATTERN_RULES } from '../../src/core/secrets/providers';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';
import { STRUCTURAL_DETECTORS } from '../../src/core/secrets/structural';

const SIZE = 100 * 1024;
const repeat = (unit: string, size = SIZE) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Inputs that make naive secret regexes backtrack: repeated prefixes, long token-alphabet runs. */
function adversarialInputs(): Array<[string, string]> {
  const random = new SeededRandom('adversarial');
  const inputs: Array<[string, string]> = [
    ['a-run', repeat('a')],
    ['A-run', repeat('A')],
    ['digit-run', repeat('7')],
    ['dash-run', repeat('-')],
    ['underscore-run', repeat('_')],
    ['mixed-token-run', repeat('aZ0_-')],
    ['base64-run', repeat('Ab9+/=')],
    ['random-w', random.string('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-', SIZE)],
    ['eyJ-repeat', repeat('eyJ')],
    ['dash-eyJ-repeat', repeat('-eyJ')],
    ['jwt-segments', repeat('eyJhbGciOiJIUzI1NiJ9.')],
    ['pem-begin-repeat', repeat('-----BEGIN PRIVATE KEY-----\n')],
    ['pem-no-end', `-----BEGIN PRIVATE KEY-----\n${repeat('QUJD', SIZE - 40)}`],
    ['url-scheme-repeat', repeat('ab://')],
    ['url-userinfo', `postgres://user:${repeat('p', SIZE - 40)}`],
    ['url-query', `https://h/?${repeat('api_key=a&')}`],
    ['kv-password', repeat('Password=x;')],
    ['quotes', repeat('"a')],
    ['escaped-quotes', repeat('\\"')],
    ['assignment-chain', repeat('a=')],
    ['colon-chain', repeat('a: ')],
    ['flag-chain', repeat('--token ')],
    ['template-braces', repeat('${')],
    ['spaces', repeat(' ')],
    ['dotenv-unclosed-quotes', repeat('K="\n')],
    ['dotenv-escaped-quotes', repeat('K="\\"\n')],
    ['dotenv-unclosed-then-text', `K="\n${repeat('abc def\n', SIZE - 4)}`],
  ];
  for (const rule of PATTERN_RULES) {
    const [tp] = rule.tps;
    for (const keyword of rule.keywords) {
      inputs.push([`${rule.id}:keyword-repeat`, repeat(keyword)]);
      inputs.push([`${rule.id}:keyword+run`, `${keyword}${repeat('aA0_-', SIZE - keyword.length)}`]);
    }
    if (tp) {
      const sample = expandSample(tp, new SeededRandom(`adv:${rule.id}`));
      inputs.push([`${rule.id}:sample-repeat`, repeat(sample)]);
      inputs.push([`${rule.id}:prefix-repeat`, repeat(sample.slice(0, 12))]);
    }
  }
  return inputs;
}

/** Best of three runs: a GC pause can slow one run, catastrophic backtracking slows every run. */
function timeRegex(re: RegExp, input: string): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    re.lastIndex = 0;
    for (let m = re.exec(input); m; m = re.exec(input)) {
      if (m[0].length === 0) re.lastIndex++;
    }
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

test('regex safety: every provider regex finishes each adversarial 100 KB input in < 50 ms', () => {
  const inputs = adversarialInputs();
  const slow: string[] = [];
  let worst = { ms: 0, what: '' };
  for (const rule of PATTERN_RULES) {
    for (const [name, input] of inputs) {
      timeRegex(rule.regex, input.slice(0, 2000)); // warm up the regex compiler
      const ms = timeRegex(rule.regex, input);
      if (ms > worst.ms) worst = { ms, what: `${rule.id} on ${name}` };
      if (ms >= 50) slow.push(`${rule.id} on ${name}: ${ms.toFixed(1)} ms`);
    }
  }
  console.log(`regex safety: ${PATTERN_RULES.length} regexes × ${inputs.length} inputs; slowest ${worst.ms.toFixed(2)} ms (${worst.what})`);
  assert.deepEqual(slow, []);
});

test('regex safety: whole scans of adversarial input stay fast (structural regexes included)', () => {
  const inputs = adversarialInputs().filter(([name]) => !name.includes(':')); // the generic shapes
  const slow: string[] = [];
  let worst = { ms: 0, what: '' };
  for (const [name, input] of inputs) {
    // As one huge line (provider rules only) and as 3,900-char lines (every structural regex runs).
    const lines = input.match(/[^]{1,3900}/g)!.join('\n');
    for (const [shape, text] of [['line', input], ['lines', lines]] as const) {
      for (const kind of ['dotenv', 'source', 'plain'] as const) {
        let ms = Infinity;
        for (let run = 0; run < 2; run++) {
          const started = performance.now();
          const { truncated } = scanTextForSecretsDetailed(text, kind);
          ms = Math.min(ms, performance.now() - started);
          assert.equal(truncated, false);
        }
        if (ms > worst.ms) worst = { ms, what: `${kind} ${shape} ${name}` };
        if (ms >= 250) slow.push(`${kind} ${shape} ${name}: ${ms.toFixed(1)} ms`);
      }
    }
  }
  console.log(`whole-scan safety: slowest ${worst.ms.toFixed(1)} ms (${worst.what})`);
  assert.deepEqual(slow, []);
});

test('time budget: a scan stops and says so when the budget runs out', () => {
  const text = repeat('API_KEY="aZ0aZ0aZ0aZ0aZ0aZ0"\n', 2 * 1024 * 1024);
  const result = scanTextForSecretsDetailed(text, 'source', { timeBudgetMs: 1 });
  assert.equal(result.truncated, true);
});

test('throughput: a 1 MB source file scans in well under a second', () => {
  const random = new SeededRandom('throughput');
  const lines: string[] = [];
  for (let i = 0, size = 0; size < 1024 * 1024; i++) {
    lines.push(
      i % 50 === 0
        ? expandSample('const API_KEY = "<<an:32>>"; // ghp_<<an:36>>', random)
        : `  const value${i} = compute(${i}, "label-${i}", options.${random.string('abcdefgh', 6)}) + other;`,
    );
    size += lines[lines.length - 1]!.length + 1;
  }
  const text = lines.join('\n');
  const started = performance.now();
  const found = scanTextForSecrets(text, 'source');
  const ms = performance.now() - started;
  console.log(`throughput: ${(text.length / 1024 / 1024).toFixed(2)} MB, ${lines.length} lines, ${found.length} findings in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 1000, `${ms} ms`);
  assert.ok(found.length >= lines.length / 50);
});

test('no value leaks: matches, messages and redactions never contain a secret', () => {
  const random = new SeededRandom('leaks');
  const samples = [
    ...PATTERN_RULES.flatMap((r) => r.tps),
    ...CONTEXT_RULES.flatMap((r) => r.tps),
    ...STRUCTURAL_DETECTORS.flatMap((r) => r.tps),
  ].map((t) => expandSample(t, random));
  let checked = 0;
  for (const text of samples) {
    for (const kind of ['plain', 'dotenv'] as const) {
      for (const m of scanTextForSecrets(text, kind)) {
        const secret = text.slice(m.start, m.end);
        assert.ok(secret.length >= 6);
        const message = secretMessage(m, secret);
        const redacted = redactSecret(secret);
        for (const out of [message, redacted, JSON.stringify(m)]) {
          assert.ok(!out.includes(secret), `leak of ${m.detector} in ${out}`);
          // Not even most of it: at most 8 characters of the secret appear, in two pieces.
          assert.ok(!out.includes(secret.slice(0, 9)) && !out.includes(secret.slice(-9)), `partial leak of ${m.detector}`);
        }
        assert.ok(redacted.length <= 9, redacted);
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `checked ${checked}`);
  // Short passwords show nothing at all.
  assert.equal(redactSecret('hunter22xy'), '…');
  const [m] = detectSecretsInValue('hunter22xy', { key: 'DB_PASSWORD', location: 'env' });
  assert.ok(!secretMessage(m!, 'hunter22xy').includes('hunter'));
});

/** sha256('mcp-secure/secret/v1\0salt\0MCPS101\0example-value'), first 32 hex digits. */
const PINNED = '27c7a5f12e9d44450d56d7e62d53f363';

test('fingerprints: stable, salted, rule-specific, never the value', () => {
  const secret = 'ghp_' + 'Ab1'.repeat(12);
  const a = secretFingerprint('MCPS101', secret);
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.equal(a, secretFingerprint('MCPS101', secret));
  assert.notEqual(a, secretFingerprint('MCPS101', secret, 'workspace-salt'));
  assert.notEqual(a, secretFingerprint('MCPS102', secret));
  assert.notEqual(a, secretFingerprint('MCPS101', secret + 'x'));
  assert.ok(!a.includes(secret.slice(4, 10).toLowerCase()));
  // Pinned: changing the derivation invalidates every stored baseline, so it must be deliberate.
  assert.equal(secretFingerprint('MCPS101', 'example-value', 'salt'), PINNED);
});

test('decoded → raw offsets: JSON escapes, \\u escapes and surrogate pairs', () => {
  const random = new SeededRandom('offsets');
  const alphabet = 'ab"\\/\n\t\u00e9\u{1F511}xyz ';
  for (let round = 0; round < 200; round++) {
    const chars = Array.from({ length: 1 + random.int(24) }, () => [...alphabet][random.int([...alphabet].length)]!);
    const decoded = chars.join('');
    // Two raw spellings: JSON.stringify's, and one with every non-ASCII unit as \uXXXX.
    const raws = [
      JSON.stringify(decoded),
      `"${[...decoded].map((c) => (c.charCodeAt(0) > 127 || c.length > 1 ? [...Array(c.length).keys()].map((k) => `\\u${c.charCodeAt(k).toString(16).padStart(4, '0')}`).join('') : JSON.stringify(c).slice(1, -1))).join('')}"`,
    ];
    for (const raw of raws) {
      assert.equal(JSON.parse(raw), decoded);
      const map = decodedToRawOffsets(raw);
      assert.equal(map.length, decoded.length + 1);
      const start = random.int(decoded.length);
      const end = start + 1 + random.int(decoded.length - start);
      const r = mapDecodedRange(raw, start, end);
      const slice = raw.slice(r.start, r.end);
      // A range that cuts a surrogate pair in half cannot be re-parsed on its own; compare units.
      const reparsed: string = JSON.parse(`"${slice}"`);
      assert.equal(reparsed, decoded.slice(start, end), `${raw} [${start},${end})`);
    }
  }
  // End to end: a secret behind an escape in a JSON literal.
  const token = expandSample('ghp_<<an:36>>', random);
  const raw = JSON.stringify(`Bearer\t${token}`).replace('\\t', '\\u0009');
  const [m] = detectSecretsInValue(JSON.parse(raw), { key: 'Authorization', location: 'header' });
  const r = mapDecodedRange(raw, m!.start, m!.end);
  assert.equal(raw.slice(r.start, r.end), token);
  // TOML/YAML \U escapes of astral characters are two UTF-16 units.
  assert.deepEqual(decodedToRawOffsets('"\\U0001F511a"'), [1, 1, 11, 12]);
});
