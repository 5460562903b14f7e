// The prefilter: one pass picks the lines the structural pass reads (prefilter.ts, scanText.ts).
// Reading only those lines must find exactly what reading every line finds (`allLines`), on
// the fixtures, on every rule sample, and on many random texts built from secret names, auth
// schemes, URLs, provider tokens and noise, in every case spelling, after random edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanBytesForSecrets, scanTextForSecrets, type TextKind } from '../../src/core/secrets';
import { NeedleSet } from '../../src/core/secrets/prefilter';
import { regexSpan } from '../../src/core/secrets/regexSpan';
import { CONTEXT_RULES, PATTERN_RULES } from '../../src/core/secrets/providers';
import { expandSample, randomCasing, SeededRandom } from '../../src/core/secrets/samples';
import { STRUCTURAL_DETECTORS } from '../../src/core/secrets/structural';

const KINDS: TextKind[] = ['source', 'plain', 'dotenv'];

function assertSame(text: string, what: string): void {
  for (const kind of KINDS) {
    const fast = scanTextForSecrets(text, kind);
    const full = scanTextForSecrets(text, kind, { allLines: true });
    // The prefilter over the UTF-8 bytes (how the CLI and the benchmark call it) picks the same lines.
    const viaBytes = scanTextForSecrets(text, kind, { utf8Bytes: Buffer.from(text, 'utf8') });
    assert.equal(JSON.stringify(viaBytes), JSON.stringify(fast), `${what} (${kind}): the scan over bytes differs from the scan over characters`);
    // The scan of the bytes alone (decoding only when something may be found): the same again.
    const bytesOnly = scanBytesForSecrets(Buffer.from(text, 'utf8'), kind);
    assert.equal(JSON.stringify(bytesOnly), JSON.stringify(fast), `${what} (${kind}): scanBytesForSecrets differs from scanTextForSecrets`);
    // Never print the text or a match's value: only where they differ.
    if (JSON.stringify(fast) !== JSON.stringify(full)) {
      const where = (ms: typeof fast) => ms.map((m) => `${m.detector}@${m.line}:${m.column}${m.key ? ` key=${m.key}` : ''}`);
      assert.fail(`${what} (${kind}): prefiltered scan ${JSON.stringify(where(fast))} vs every line ${JSON.stringify(where(full))}`);
    }
  }
}

test('NeedleSet finds every occurrence, case-sensitive and case-insensitive, in strings and bytes', () => {
  const set = new NeedleSet([
    { text: 'ghp_', ci: false },
    { text: 'AKIA', ci: false },
    { text: 'token', ci: true },
    { text: '://', ci: true },
  ]);
  const text = 'x ghp_ GHP_ akia AKIA ToKeN tokens https://h\nTOKEN';
  const found = (data: string | Uint8Array) => {
    const out: string[] = [];
    set.scan(data, (id, at) => {
      out.push(`${id}@${at}`);
    });
    return out.sort();
  };
  const expected = ['0@2', '1@17', '2@22', '2@28', '2@45', '3@40'].sort();
  assert.deepEqual(found(text), expected);
  assert.deepEqual(found(Buffer.from(text, 'latin1')), expected);
  // Non-ASCII text around the needles does not disturb them.
  assert.deepEqual(found('é token ü'), ['2@2']);
});

test('NeedleSet over bytes finds what it finds over the string, at every alignment of the bytes', () => {
  const set = new NeedleSet([
    { text: 'cred', ci: true },
    { text: 'pat', ci: true },
    { text: 'pw', ci: true },
    { text: 'AC', ci: false },
    { text: '://', ci: false },
    { text: 'secret_', ci: false },
  ]);
  const r = new SeededRandom('needle-alignment');
  const pieces = ['cred', 'CrEd', 'pat', 'PAT', 'pw', 'Pw', 'AC', '://', 'secret_', 'secret', 'x', 'yz', ' ', '\n', 'c', 're', 'at', 'p', 'w'];
  const text = Array.from({ length: 1500 }, () => pieces[r.int(pieces.length)]!).join('') + 'pw';
  const found = (data: string | Uint8Array) => {
    const out: string[] = [];
    set.scan(data, (id, at) => {
      out.push(`${id}@${at}`);
    });
    return out.sort().join(' ');
  };
  const expected = found(text);
  assert.ok(expected.split(' ').length > 100);
  const backing = Buffer.alloc(text.length + 16);
  for (let shift = 0; shift < 8; shift++) {
    backing.write(text, shift, 'latin1');
    assert.equal(found(backing.subarray(shift, shift + text.length)), expected, `bytes at offset ${shift}`);
  }
});

test('prefilter: the fixture corpus scans the same with and without it', () => {
  const dir = join(__dirname, '..', 'fixtures', 'secrets');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { seed: string; files: Array<{ path: string }> };
  for (const file of manifest.files) {
    const text = expandSample(readFileSync(join(dir, file.path), 'utf8'), new SeededRandom(`${manifest.seed}:${file.path}`));
    assertSame(text, file.path);
  }
  const configs = join(__dirname, '..', 'fixtures', 'secrets-configs');
  for (const name of readdirSync(configs, { recursive: true }) as string[]) {
    if (!/\.(?:json|jsonc|toml|ya?ml|env)$/.test(name)) continue;
    const raw = readFileSync(join(configs, name), 'utf8');
    assertSame(expandSample(raw, new SeededRandom(`prefilter:${name}`)), name);
  }
});

test('prefilter: every rule sample, alone and inside other text, scans the same', () => {
  const samples = [
    ...PATTERN_RULES.flatMap((r) => [...r.tps, ...r.fps]),
    ...CONTEXT_RULES.flatMap((r) => [...r.tps, ...r.fps]),
    ...STRUCTURAL_DETECTORS.flatMap((r) => [...r.tps, ...r.fps]),
  ];
  // Names whose last word is `pat` (names.ts): the prefilter checks the word before it.
  for (const owner of ['github', 'gh', 'gitlab', 'azure', 'ado', 'devops', 'personal', 'access', 'hf', 'huggingface', 'figma', 'airtable', 'atlassian', 'jira']) {
    samples.push(`${owner.toUpperCase()}_PAT=<<an:40>>`, `const ${owner}Pat = "<<an:40>>";`, `x.${owner}-pat: '<<an:40>>'`);
  }
  samples.forEach((template, i) => {
    const sample = expandSample(template, new SeededRandom(`prefilter-sample:${i}`));
    assertSame(sample, `sample ${i}`);
    assertSame(`const a = 1;\n// note\n${sample}\nconst b = "x";\n`, `sample ${i} in text`);
  });
});

test('regexSpan bounds what one attempt of a regex reads, look-arounds included', () => {
  assert.equal(regexSpan(/ab{2,5}c/g), 7);
  assert.equal(regexSpan(/(?<![\w-])x(?:yy|z)(?![\w-])/g), 5);
  assert.equal(regexSpan(/[a\]b]{3}\u0041\x41/), 5);
  assert.equal(regexSpan(/a{2}b?/), 3);
  assert.equal(regexSpan(/a+/), Infinity);
  assert.equal(regexSpan(/a{2,}/), Infinity);
  assert.equal(regexSpan(/(a)\1/), Infinity);
  // Every provider rule is bounded (the byte scan tries each near its keywords only).
  for (const rule of PATTERN_RULES) assert.ok(Number.isFinite(regexSpan(rule.regex)), rule.id);
});

test('scanBytesForSecrets: provider and structural samples amid multi-byte text scan as the decoded text does', () => {
  const samples = [...PATTERN_RULES.flatMap((r) => [...r.tps, ...r.fps]), ...CONTEXT_RULES.flatMap((r) => r.tps), ...STRUCTURAL_DETECTORS.flatMap((r) => r.tps)];
  const pads = ['', 'é', '中文', '😀', 'a\u00a0b', 'x'.repeat(5000)];
  samples.forEach((template, i) => {
    const sample = expandSample(template, new SeededRandom(`bytes-sample:${i}`));
    for (const [p, pad] of pads.entries()) {
      for (const n of [1, 7, 400]) {
        const around = pad.repeat(pad.length > 100 ? 1 : n);
        assertSame(`${around}${sample}${around}`, `sample ${i} in pad ${p}×${n}`);
        assertSame(`${around}\nconst v = 1; // ${around}\n${sample}\n${around}`, `sample ${i} on its line, pad ${p}×${n}`);
      }
    }
  });
});

// ── Random texts ──────────────────────────────────────────────────────────────────────────

const NAME_WORDS = [
  'api', 'key', 'token', 'secret', 'password', 'passwd', 'pass', 'pwd', 'pw', 'passphrase', 'auth', 'authorization',
  'credential', 'credentials', 'creds', 'cookie', 'pat', 'github', 'gh', 'ado', 'access', 'private', 'client', 'session',
  'refresh', 'bearer', 'aws', 'secret_access', 'dd', 'datadog', 'app', 'twilio', 'cohere', 'mistral', 'cloudflare', 'cf',
  'sort', 'page', 'next', 'id', 'path', 'url', 'name', 'user', 'db', 'service', 'v2', 'prod', 'my', 'x', 'stripe', 'sig',
];
const VALUE_SHAPES = [
  '<<an:40>>', '<<an:24>>', '<<hex:32>>', '<<hex:40>>', '<<b64:40>>', '<<b64u:40>>', '<<uuid>>', '<<pw:14>>', '<<an:12>>',
  'Bearer <<an:40>>', 'Basic <<basic>>', 'bearer <<b64u:30>>', 'Token <<an:32>>', 'https://u:<<an:16>>@db.internal/x',
  'postgres://app:<<an:20>>@db/app', 'https://api.acme.dev/v1?api_key=<<an:32>>&x=1', 'https://h.acme.dev/p?sig=<<b64u:40>>',
  'Server=db;User Id=app;Password=<<an:16>>;', 'ghp_<<an:36>>', 'AKIA<<a32:16>>', 'AC<<hex:32>>', 'xoxb-<<dig:12>>-<<dig:13>>-<<an:24>>',
  'sk-<<an:48>>', 'eyJ<<b64u:20>>', 'NextToken', 'your-key-here', '${API_KEY}', 'hello world', '42', 'id_rsa.pub',
];

function randomName(r: SeededRandom): string {
  const words = Array.from({ length: 1 + r.int(3) }, () => randomCasing(NAME_WORDS[r.int(NAME_WORDS.length)]!, r));
  const sep = ['_', '', '-', '.'][r.int(4)]!;
  return words.join(sep);
}

function randomLine(r: SeededRandom): string {
  const name = randomName(r);
  const value = expandSample(VALUE_SHAPES[r.int(VALUE_SHAPES.length)]!, r);
  switch (r.int(12)) {
    case 0:
      return `${name}=${value}`;
    case 1:
      return `export ${name}="${value}"`;
    case 2:
      return `const ${name} = '${value}';`;
    case 3:
      return `  "${name}": "${value}",`;
    case 4:
      return `${name}: ${value}`;
    case 5:
      return `npx server --${name} ${value}`;
    case 6:
      return `x = os.getenv("${name}", "${value}")`;
    case 7:
      return `headers.set('${name}', '${value}')`;
    case 8:
      return `curl -H "${name}: ${value}" https://api.acme.dev`;
    case 9:
      return `// ${value} and ${name}`;
    case 10:
      return `call("${value}")`;
    default:
      return `let v${r.int(100)} = ${r.int(1000)};`;
  }
}

/** Random edits: delete, insert a character or a line break, swap case, join lines. */
function mutate(text: string, r: SeededRandom): string {
  let out = text;
  for (let n = r.int(4); n > 0; n--) {
    const at = r.int(out.length + 1);
    switch (r.int(5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + r.int(5));
        break;
      case 1:
        out = out.slice(0, at) + ['"', "'", '=', ':', '\n', ' ', '\r\n', 'é', '\u00a0', '😀', '@'][r.int(11)] + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at, at + 8).toUpperCase() + out.slice(at + 8);
        break;
      case 3:
        out = out.replace('\n', ' ');
        break;
      default:
        out = out.slice(0, at) + out.slice(at, at + 8).toLowerCase() + out.slice(at + 8);
    }
  }
  return out;
}

test('prefilter: 1,500 random texts of names, schemes, URLs and tokens, edited at random, scan the same', () => {
  const r = new SeededRandom('prefilter-random');
  let findings = 0;
  for (let i = 0; i < 1500; i++) {
    const lines = Array.from({ length: 1 + r.int(12) }, () => randomLine(r));
    const text = mutate(lines.join(r.int(5) === 0 ? '\r\n' : '\n'), r);
    assertSame(text, `random text ${i}`);
    findings += scanTextForSecrets(text, 'source').length;
  }
  // The texts are not all quiet: the comparison covers real findings.
  assert.ok(findings > 500, `only ${findings} findings in the random texts`);
});

// ── The line gate (lineGate.ts): lines a file scan does not decode ────────────────────────

/** Fragments that sit on the gate's edges: word ends, flags, schemes, URL stops, line lengths, UTF-8. */
const EDGE_NAMES = [
  'apiKey', 'API_KEY_V2', 'APIKEYs', 'apikey2', 'tokenize', 'tokenValue', 'KEY', 'key', 'monkey', 'hotkey', 'Token', 'x-api-key',
  'db.password', 'PASSWORD', 'passwd', 'pwd', 'PW', 'secretary', 'aws_secretary_path', 'AWS_SECRET', 'Authorization', 'proxyAuthorization',
  'auth', 'creds', 'credentials', 'cookie', 'GITHUB_PAT', 'adoPat', 'xpat', 'pat', 'GITHUB_PAT_V2', 'ghPath', 'github_PAT2', 'ADO_PATs', 'hf-pat', 'sig', 'api key', 'api_kéy', 'tok\u00e9n', 'to\u00a0ken',
];
const EDGE_OPS = [
  ' = ', '=', ': ', ':', ' := ', ', ', ' || ', ' ?? ', ' or ', ' => ', ' === ', ' == ', '', ' ', '\t', '; ', ' -', '=\u00a0', '] = ', ' ] ??', ') || ',
  ' += ', ' ?= ', ': str = ', ' string = ', '\u00a0=', '(', '.value = ', '$ = ', '\v= ',
];
const EDGE_VALUES = [
  '"<<an:40>>"', "'<<an:24>>'", '`<<b64u:40>>`', '<<an:40>>', '"Bearer <<an:40>>"', '"bearer\t<<an:40>>"', 'Bearer <<an:40>>', 'Basic <<basic>>', 'bearer', '"Token <<an:32>>"',
  'https://u:<<an:16>>@db.internal/x', 'https://h.dev/p?sig=<<b64u:40>>', 'https://h.dev/p x=<<an:20>>', 'https://h.dev/p"@x', "'https://h'=<<an:20>>",
  'https://h.dev/?to%6Ben=<<an:32>>', 'https://h.dev/?to\u212Aen=<<an:32>>', 'https://h.dev/a?x=1&sig=<<b64u:40>>', 'https://u:p=<<an:16>>@db.internal/x',
  'https://h.dev/?requireActive=false', 'https://h.dev/?x=1 token=<<an:32>>', 'postgres://app:<<an:20>>@db/app', 'Server=db;User Id=app;Password=<<an:16>>;', 'password\u00a0=<<an:16>>;server=x',
  '"password==<<an:16>>;server=db"', '"pwd\u00a0==<<an:16>>;server=db"', 'https://h.dev/?token==<<an:32>>', '==<<an:32>>', '"password\u00a0=<<an:16>>;server=db"', '"pwd\v=<<an:16>>;server=db"', "'Password\u2003= <<an:16>>;uid=app'", '--api-key=<<an:32>>', '--token <<an:32>>', '-token=<<an:32>>', 'x--token <<an:32>>', '"--api-key <<an:32>>"', 'AKIA<<a32:16>>', '42',
];
const EDGE_PADS = ['', ' ', 'é', '中文', '😀', '\u00a0', 'x', '2', 'A', '"', '-', '//', '#', ';'];

function edgeLine(r: SeededRandom): string {
  const pick = <T>(list: readonly T[]) => list[r.int(list.length)]!;
  const name = r.int(3) === 0 ? randomCasing(pick(EDGE_NAMES), r) : pick(EDGE_NAMES);
  const quote = ['', '"', "'"][r.int(3)]!;
  return `${pick(EDGE_PADS)}${quote}${name}${quote}${pick(EDGE_OPS)}${expandSample(pick(EDGE_VALUES), r)}${pick(EDGE_PADS)}`;
}

test('prefilter: lines on the line gate’s edges (word ends, flags, schemes, URL stops, UTF-8, CRLF) scan the same', () => {
  const r = new SeededRandom('line-gate-edges');
  let findings = 0;
  for (let i = 0; i < 1200; i++) {
    const lines = Array.from({ length: 1 + r.int(6) }, () => (r.int(4) === 0 ? randomLine(r) : edgeLine(r)));
    const text = lines.join(r.int(3) === 0 ? '\r\n' : '\n');
    assertSame(text, `edge text ${i}`);
    findings += scanTextForSecrets(text, 'source').length + scanTextForSecrets(text, 'plain').length;
  }
  assert.ok(findings > 400, `only ${findings} findings in the edge texts`);
});

test('prefilter: lines around the 4,000-character limit, in ASCII and UTF-8, scan the same', () => {
  const r = new SeededRandom('line-gate-long');
  const secretLine = () => `const apiKey = "${expandSample('<<an:40>>', r)}";`;
  for (const pad of ['x', 'é', '中', '😀']) {
    for (const target of [3990, 3999, 4000, 4001, 4010, 8000, 12001, 12010]) {
      const tail = secretLine();
      const units = Math.max(0, target - tail.length);
      // `units` UTF-16 units of padding (an emoji is two), then the secret: the line is `target` units long or one less.
      const padding = pad.repeat(Math.floor(units / pad.length));
      const line = `${padding}${tail}`;
      assertSame(`${line}\nx = 1\n`, `a ${line.length}-unit line of '${pad}'`);
      assertSame(`${line}\r\n${secretLine()}`, `a ${line.length}-unit line of '${pad}', CRLF`);
    }
  }
});
