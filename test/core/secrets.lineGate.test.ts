// The line gate (lineGate.ts): a file scan decodes a picked line only if it can hold a secret
// name, an auth scheme or a credential URL. Here: every name the name rules accept (names.ts
// classifyName, isAuthorizationName, the context rules' names) opens the gate wherever the
// structural pass can read it as a name. secrets.prefilter.test.ts checks whole scans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyName, isAuthorizationName, normaliseName, SECRET_NAME_ENDINGS } from '../../src/core/secrets/names';
import { lineGate } from '../../src/core/secrets/lineGate';
import { NeedleSet } from '../../src/core/secrets/prefilter';
import { CONTEXT_RULES } from '../../src/core/secrets/providers';
import { randomCasing, SeededRandom } from '../../src/core/secrets/samples';
import { NAME_TRIGGERS } from '../../src/core/secrets/scanText';

const gate = lineGate(NAME_TRIGGERS);
const needles = new NeedleSet(NAME_TRIGGERS.map((text) => ({ text, ci: true })));

/** The gate's answer for one line, with every trigger occurrence on it as hits. */
function opens(line: string, plain: boolean): boolean {
  const bytes = Buffer.from(line, 'utf8');
  const hits: number[] = [];
  needles.scan(bytes, (id, at) => {
    hits.push(id, at);
  });
  return gate(bytes, 0, bytes.length, plain, hits, 0, hits.length);
}

/** Names the structural pass reads with a meaning: classifyName, the auth header names, the context rules' names. */
function meaningful(name: string): boolean {
  if (classifyName(name) !== 'none' || isAuthorizationName(name)) return true;
  const normalised = normaliseName(name);
  return CONTEXT_RULES.some((r) => r.key !== undefined && r.key.test(normalised));
}

const WORDS = [
  ...SECRET_NAME_ENDINGS, 'api', 'access', 'private', 'client', 'session', 'refresh', 'aws', 'secret_access', 'dd', 'datadog', 'app',
  'application', 'twilio', 'cohere', 'co', 'mistral', 'cloudflare', 'cf', 'github', 'gh', 'ado', 'hf', 'sort', 'page', 'next', 'id',
  'path', 'url', 'name', 'v2', '2', 'prod', 'value', 'raw', 'b64', 'my', 'x', 'db', 'proxy', 'authorization', 'passphrase', 'apikey',
  'secretkey', 'authtoken', 'githubtoken', 'dbpassword', 'monkey', 'tokens', 'keys', 'secretary', 'public', 'hotkey',
];

test('lineGate: every ending of a secret name starts with a trigger word the prefilter finds', () => {
  for (const ending of SECRET_NAME_ENDINGS) assert.ok(NAME_TRIGGERS.some((t) => ending.startsWith(t)), ending);
  assert.throws(() => lineGate(['key']), /no trigger starts/);
});

test('lineGate: opens on every line where a name the rules accept is read as a name', () => {
  const r = new SeededRandom('line-gate-names');
  let accepted = 0;
  for (let i = 0; i < 6000; i++) {
    const words = Array.from({ length: 1 + r.int(4) }, () => randomCasing(WORDS[r.int(WORDS.length)]!, r));
    const name = words.join(['_', '', '-', '.', ''][r.int(5)]!);
    if (!/^[A-Za-z_]/.test(name) || !meaningful(name)) continue;
    accepted++;
    const quotedName = name.includes('.') ? name : `${name} v2`; // quoted names may hold spaces
    const source = [
      `const ${name} = "abc";`, `x.${name} ?? 'abc'`, `  "${name}": "abc",`, `obj["${name}"] = \`abc\``, `f("${name}", "abc")`,
      `os.getenv("${name}") or "abc"`, `${name}: str = "abc"`, `call("--${name}=abc")`, `"${name}: abc"`, `x = { '${quotedName}': 'abc' }`,
      `é${name} = "abc"`, `x[${name}] = "abc"`, `${name} += 'abc'`, `${name} ||= 'abc'`, `${name}?: 'abc'`, `var ${name} string = "abc"`, `${name}$ = "abc"`,
    ];
    // A flag's name is [\w-] (FLAG_VALUE).
    if (/^[\w-]+$/.test(name)) source.push(`npx s --${name} abcdefgh123`, `run -${name}=abcdefgh123`);
    for (const line of source) assert.ok(opens(line, false), `source: ${line}`);
    for (const line of [`${name}: abc`, `${name}=abc`, `- ${name}: abc`, `export ${name}=abc`]) assert.ok(opens(line, true), `plain: ${line}`);
    // Read whole (a URL or a connection string on the line): unquoted `name: value` counts in source code too.
    assert.ok(opens(`${name}: abc https://h/x`, false), `source with a URL: ${name}`);
  }
  assert.ok(accepted > 1000, `only ${accepted} accepted names`);
});

test('lineGate: stays shut on lines that hold trigger words but no name, scheme or credential URL', () => {
  const shut = [
    'if (key === undefined) return;', // no literal after the name
    'for (const key in obj) total += obj[key];',
    "const tokenizer = new Tokenizer('x');", // `token` goes on as a word
    'this.keys = ["a"];',
    "passing('a')",
    'return token.length > 0 ? token : null;', // an unquoted `:` counts in plain text and on URL lines only
    'see https://example.com/docs for the token format', // a URL without `@` or `=`
    'basicSetup("x")',
    "addFormatToken('D', 0, 'x')", // a call, not an assignment
    'result = tokenValue.other.replace("{{count}}", count);',
    '<a href="https://opencollective.com/x/website?requireActive=false" target="_blank">key</a>', // a query name that is no secret's
  ];
  for (const line of shut) assert.equal(opens(line, false), false, line);
  const open = ['const apiKey = "x";', 'Authorization: Bearer abc', 'x = "bearer\tabc"', 'x = "Basic abc"', 'https://u:p@h/x', 'https://h/x?api_key=1', 'https://h/x?a=1&sig=2', 'https://h/x?to%6Ben=1', 'https://h/x?to\u212Aen=1', 'aws_secretary_path="x"', 'run --token abcdefgh'];
  for (const line of open) assert.equal(opens(line, false), true, line);
});
