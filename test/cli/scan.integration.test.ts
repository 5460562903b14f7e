// The built CLI (dist/cli.js) over the secrets-in-configs corpus:
//  - no planted secret, nor any 8+ character piece of one, ever reaches stdout or stderr, in
//    any command and format, including malformed configs with a secret next to the syntax
//    error and a broken .mcp-secure.json;
//  - `scan --format json` has DESIGN.md's shape for every finding, at the right place;
//  - exit codes: 1 with error-level findings, 0 without, 2 on usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';
import { redactSecret } from '../../src/core/secrets';
import { expandFile, loadManifest, locateSecret, materialise, type ExpandedFile } from '../fixtures/secrets-configs/template';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
const manifest = loadManifest();
const TIMEOUT_MS = 60_000;

interface Run {
  label: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(label: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH, HOME: env.HOME ?? tmpdir(), ...env },
  });
  assert.equal(result.error, undefined, `${label}: ${result.error?.message}`);
  return { label, code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A secret's value plus the parts of it that are fixed text of its template (`sk-proj-`, a PEM header...). */
interface Secret {
  where: string;
  value: string;
  literals: string[];
}

const HOLE = /<<[^<>]+>>/g;

function secretOf(where: string, template: string, value: string): Secret {
  const literals = template.split(HOLE).filter((s) => s.length > 0);
  // A sample JWT's header and the start of its claims are fixed JSON (`{"alg":"HS256",…`,
  // `{"sub":…`): the same 8 characters start every JWT, including the rule docs' examples.
  if (template.includes('<<jwt')) literals.push(value.split('.')[0]!, 'eyJzdWIiOi');
  return { where, value, literals };
}

/** Every planted and not-to-be-found secret of the corpus, with its expanded value. */
function corpusSecrets(files: Map<string, ExpandedFile>): Secret[] {
  return [...manifest.planted, ...manifest.notFound].map((entry) => {
    const { value } = locateSecret(files.get(entry.file)!, entry.line, entry.secret);
    return secretOf(`${entry.file}:${entry.line}`, entry.secret, value);
  });
}

/**
 * Checks that no secret leaks: neither its value nor any 8-character window of it, except
 * windows that lie entirely inside fixed template text (a `-----BEGIN` header, `sk-ant-api03-`).
 * The allowed redaction (≤ 4 leading characters, `…`, the last 4) never holds 8 contiguous
 * characters of a secret. Failure messages show only the redacted form.
 */
function assertNoLeak(runs: readonly Run[], secrets: readonly Secret[]): void {
  for (const run of runs) {
    const output = run.stdout + '\n' + run.stderr;
    const windows = new Set<string>();
    for (let i = 0; i + 8 <= output.length; i++) windows.add(output.slice(i, i + 8));
    for (const secret of secrets) {
      assert.ok(!output.includes(secret.value), `${run.label}: the value of ${secret.where} (${redactSecret(secret.value)}) is in the output`);
      for (let i = 0; i + 8 <= secret.value.length; i++) {
        const piece = secret.value.slice(i, i + 8);
        if (!windows.has(piece) || secret.literals.some((literal) => literal.includes(piece))) continue;
        assert.fail(`${run.label}: 8 characters of ${secret.where} (${redactSecret(secret.value)}) at offset ${i} are in the output`);
      }
    }
  }
}

/** Malformed configs and a broken .mcp-secure.json, each with a secret right next to the error. */
const BROKEN: Array<{ file: string; template: string; secret: string }> = [
  {
    file: 'broken/.cursor/mcp.json', // missing comma right after the secret
    template: '{ "mcpServers": { "gh": { "command": "npx", "env": { "GITHUB_TOKEN": "ghp_<<an:36>>" "GITHUB_HOST": "x" } } } }\n',
    secret: 'ghp_<<an:36>>',
  },
  {
    file: 'broken/.vscode/mcp.json', // unterminated string that holds the secret
    template: '{\n  "servers": {\n    "openai": {\n      "env": { "OPENAI_API_KEY": "sk-proj-<<b64u:74>>T3BlbkFJ<<b64u:74>> }\n    }\n  }\n}\n',
    secret: 'sk-proj-<<b64u:74>>T3BlbkFJ<<b64u:74>>',
  },
  {
    file: 'broken/.codex/config.toml', // garbage after the value on the same line
    template: '[mcp_servers.gitlab.env]\nGITLAB_PERSONAL_ACCESS_TOKEN = "glpat-<<b64u:20>>" glpat-<<b64u:20>>\n',
    secret: 'glpat-<<b64u:20>>',
  },
  {
    file: 'broken2/.codex/config.toml', // unterminated TOML string
    template: '[mcp_servers.slack]\ncommand = "npx"\nenv = { SLACK_BOT_TOKEN = "xoxb-<<dig:12>>-<<dig:13>>-<<an:24>> }\n',
    secret: 'xoxb-<<dig:12>>-<<dig:13>>-<<an:24>>',
  },
  {
    file: 'broken/.continue/mcpServers/bad.yaml', // bad indentation next to the secret
    template: 'name: bad\nmcpServers:\n  - name: hf\n    env:\n      HF_TOKEN: hf_<<al:34>>\n     HF_OTHER: [unclosed\n',
    secret: 'hf_<<al:34>>',
  },
  {
    file: 'broken/.zed/settings.json', // a key that is itself a secret, then a syntax error
    template: '{ "context_servers": { "x": { "command": "npx", "env": { "sk_live_<<an:99>>": 1 } } }, }}\n',
    secret: 'sk_live_<<an:99>>',
  },
];

/** `.mcp-secure.json` with a syntax error and a type error, each next to a secret. */
const BROKEN_SETTINGS = {
  template: '{\n  "ignore": ["vendor-samples/**"],\n  "apiKey": "npm_<<an:36>>" "severity": { "MCPS101": "lin_api_<<an:40>>" },\n  "authorizationFunctions": "pplx-<<an:48>>"\n}\n',
  secrets: ['npm_<<an:36>>', 'lin_api_<<an:40>>', 'pplx-<<an:48>>'],
};

function plantBroken(dir: string): Secret[] {
  const secrets: Secret[] = [];
  const plant = (rel: string, template: string, secretTemplates: readonly string[]) => {
    const file = expandFile(rel, template, manifest.seed);
    const target = join(dir, 'workspace', rel);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, file.text);
    for (const secret of secretTemplates) {
      const at = template.indexOf(secret);
      secrets.push(secretOf(rel, secret, file.text.slice(file.toExpanded(at), file.toExpanded(at + secret.length))));
    }
  };
  for (const broken of BROKEN) plant(broken.file, broken.template, [broken.secret]);
  plant('.mcp-secure.json', BROKEN_SETTINGS.template, BROKEN_SETTINGS.secrets);
  return secrets;
}

test('no planted secret (nor 8 characters of one) appears in any output of discover or scan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcps-noleak-'));
  try {
    const files = materialise(dir, manifest.seed);
    const ws = join(dir, 'workspace');
    const home = join(dir, 'home');
    const secrets = corpusSecrets(files);
    const env = { HOME: home };
    const runs: Run[] = [];
    const first = () => [
      runCli('discover --format json', ['discover', ws, '--format', 'json'], env),
      runCli('discover', ['discover', ws], env),
      runCli('discover --user --format json', ['discover', ws, '--user', '--format', 'json'], env),
      runCli('discover --user', ['discover', ws, '--user'], env),
      runCli('scan --format text', ['scan', ws, '--format', 'text', '--no-git', '--user'], env),
      runCli('scan --format json', ['scan', ws, '--format', 'json', '--no-git', '--user'], env),
      runCli('scan (default text, git on)', ['scan', ws, '--user'], env),
    ];
    runs.push(...first());
    const sarif = runCli('scan --format sarif', ['scan', ws, '--format', 'sarif', '--no-git', '--user'], env);
    // TODO: drop this guard once src/core/report/sarif.ts has landed (a helper is writing it).
    const sarifAvailable = !/not available yet/.test(sarif.stderr);
    if (sarifAvailable) runs.push(sarif);

    // Sanity: the scan found the secrets it is not allowed to print.
    const json = JSON.parse(runs[5]!.stdout) as { findings: unknown[] };
    assert.ok(json.findings.length >= manifest.planted.length, 'the scan reports the planted secrets');

    // Now break configs next to secrets and break .mcp-secure.json, and run everything again.
    const brokenSecrets = plantBroken(dir);
    const again = first();
    if (sarifAvailable) again.push(runCli('scan --format sarif (broken)', ['scan', ws, '--format', 'sarif', '--no-git', '--user'], env));
    for (const run of again) run.label += ' (broken configs)';
    runs.push(...again);
    const broken = JSON.parse(again[5]!.stdout) as { findings: Array<{ ruleId: string; file: string }>; problems: Array<{ file: string; message: string }> };
    for (const { file } of BROKEN) {
      assert.ok(broken.findings.some((f) => f.ruleId === 'MCPS301' && f.file === file), `${file} is reported as malformed (MCPS301)`);
    }
    assert.ok(broken.problems.some((p) => p.file === '.mcp-secure.json'), 'the broken .mcp-secure.json is reported');

    for (const run of runs) assert.ok(run.code === 0 || run.code === 1, `${run.label}: exit ${run.code} (${run.stderr.slice(0, 200)})`);
    assertNoLeak(runs, [...secrets, ...brokenSecrets]);

    // Redacted forms are at most a 4-character prefix, an ellipsis and the last 4 characters.
    for (const run of [runs[5]!, again[5]!]) {
      for (const finding of (JSON.parse(run.stdout) as { findings: Array<{ secret?: { redacted: string } }> }).findings) {
        if (finding.secret) assert.match(finding.secret.redacted, /^(?:[^…]{0,4}…[^…]{0,4}|…)$/u, `${run.label}: redaction shape`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface FindingJson {
  ruleId: unknown;
  category: unknown;
  severity: unknown;
  file: unknown;
  line: unknown;
  column: unknown;
  endLine: unknown;
  endColumn: unknown;
  message: unknown;
  secret?: { provider: unknown; redacted: unknown };
  [key: string]: unknown;
}

test('scan --format json: every finding has the DESIGN.md shape and sits where the secret is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcps-shape-'));
  try {
    const files = materialise(dir, manifest.seed);
    const ws = join(dir, 'workspace');
    const run = runCli('scan --format json', ['scan', ws, '--format', 'json', '--no-git']);
    assert.equal(run.code, 1, `error-level findings give exit code 1 (${run.stderr.slice(0, 200)})`);
    const out = JSON.parse(run.stdout) as { findings: FindingJson[]; problems: unknown[] };
    assert.ok(Array.isArray(out.findings) && Array.isArray(out.problems));
    const isPositive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
    for (const f of out.findings) {
      const where = `${String(f.file)}:${String(f.line)}`;
      assert.match(String(f.ruleId), /^MCPS\d{3}$/, `${where}: ruleId`);
      assert.ok(typeof f.ruleId === 'string');
      assert.ok(['secret', 'authz', 'config'].includes(f.category as string), `${where}: category`);
      assert.ok(['error', 'warning', 'info'].includes(f.severity as string), `${where}: severity`);
      assert.ok(typeof f.file === 'string' && !f.file.startsWith('/') && !f.file.includes('\\'), `${where}: file is relative with /`);
      for (const key of ['line', 'column', 'endLine', 'endColumn'] as const) assert.ok(isPositive(f[key]), `${where}: ${key} is a 1-based integer`);
      assert.ok((f.endLine as number) > (f.line as number) || ((f.endLine as number) === (f.line as number) && (f.endColumn as number) >= (f.column as number)), `${where}: end after start`);
      assert.ok(typeof f.message === 'string' && f.message.length > 0, `${where}: message`);
      if (f.category === 'secret') {
        assert.ok(f.secret && typeof f.secret === 'object', `${where}: secret`);
        assert.match(String(f.secret.provider), /^[a-z0-9][a-z0-9-]*$/, `${where}: secret.provider is a provider id`);
        assert.ok(typeof f.secret.redacted === 'string', `${where}: secret.redacted`);
      }
    }
    // Each workspace secret of the manifest is a finding at its exact 1-based position.
    const positions = new Set(out.findings.map((f) => `${String(f.file)}:${String(f.line)}:${String(f.column)}:${String(f.endLine)}:${String(f.endColumn)} ${String(f.ruleId)} ${String(f.secret?.provider)}`));
    for (const entry of manifest.planted.filter((p) => p.file.startsWith('workspace/'))) {
      const file = files.get(entry.file)!;
      const { start, end, value } = locateSecret(file, entry.line, entry.secret);
      const pos = (offset: number) => {
        const before = file.text.slice(0, offset);
        const line = before.split('\n').length;
        return `${line}:${offset - before.lastIndexOf('\n')}`;
      };
      const key = `${entry.file.slice('workspace/'.length)}:${pos(start)}:${pos(end)} ${entry.ruleId} ${entry.providerId}`;
      assert.ok(positions.has(key), `expected finding ${entry.file}:${entry.line} ${entry.providerId} (${redactSecret(value)}) at ${key}`);
    }
    // The fixture's server sources also carry authorization findings (MCPS2xx); the secrets must be exactly the planted ones.
    assert.equal(out.findings.filter((f) => f.category === 'secret').length, manifest.planted.filter((p) => p.file.startsWith('workspace/')).length, 'no other secret findings');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exit codes: 0 for a clean workspace, 1 with error-level findings, 2 on usage errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcps-exit-'));
  try {
    const clean = join(dir, 'clean');
    mkdirSync(join(clean, '.vscode'), { recursive: true });
    writeFileSync(
      join(clean, '.vscode', 'mcp.json'),
      '{ "inputs": [{ "type": "promptString", "id": "tok", "password": true }],\n  "servers": { "gh": { "command": "npx", "env": { "GITHUB_TOKEN": "${input:tok}", "OTHER": "keyring://mcp-secure/gh/OTHER" } } } }\n',
    );
    writeFileSync(join(clean, '.env'), 'API_TOKEN=${API_TOKEN}\nLOG_LEVEL=debug\n');
    const ok = runCli('scan clean --format json', ['scan', clean, '--format', 'json', '--no-git']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual((JSON.parse(ok.stdout) as { findings: unknown[] }).findings, []);
    assert.equal(runCli('scan clean', ['scan', clean, '--no-git']).code, 0);
    assert.equal(runCli('discover clean', ['discover', clean, '--format', 'json']).code, 0);

    // Only warnings (a generic secret name in a gitignored .env): still 0.
    const warn = join(dir, 'warn');
    mkdirSync(warn);
    writeFileSync(join(warn, '.gitignore'), '.env\n');
    writeFileSync(join(warn, '.env'), expandSample('JWT_SECRET=<<an:48>>\n', new SeededRandom('exit-warn')));
    const warned = runCli('scan warnings only', ['scan', warn, '--format', 'json', '--no-git']);
    const warnings = (JSON.parse(warned.stdout) as { findings: Array<{ severity: string }> }).findings;
    assert.ok(warnings.length > 0 && warnings.every((f) => f.severity !== 'error'), 'warnings only');
    assert.equal(warned.code, 0, 'warnings alone do not fail the scan');

    const dirty = join(dir, 'dirty');
    mkdirSync(join(dirty, '.cursor'), { recursive: true });
    writeFileSync(join(dirty, '.cursor', 'mcp.json'), expandSample('{ "mcpServers": { "gh": { "command": "npx", "env": { "GITHUB_TOKEN": "ghp_<<an:36>>" } } } }\n', new SeededRandom('exit-dirty')));
    assert.equal(runCli('scan dirty', ['scan', dirty, '--no-git']).code, 1);
    assert.equal(runCli('scan dirty --format json', ['scan', dirty, '--format', 'json', '--no-git']).code, 1);
    // A malformed config is an error-level finding (MCPS301) too.
    const malformed = join(dir, 'malformed');
    mkdirSync(join(malformed, '.cursor'), { recursive: true });
    writeFileSync(join(malformed, '.cursor', 'mcp.json'), '{ "mcpServers": { "x": { "command": "npx" } }');
    assert.equal(runCli('scan malformed', ['scan', malformed, '--no-git']).code, 1);

    const usage: Array<[string, string[]]> = [
      ['unknown format', ['scan', clean, '--format', 'xml']],
      ['bad --max-file-size', ['scan', clean, '--max-file-size', 'lots']],
      ['unknown option', ['scan', clean, '--frobnicate']],
      ['unknown command', ['frobnicate']],
      ['discover unknown format', ['discover', clean, '--format', 'yaml']],
      ['missing folder', ['scan', join(dir, 'does-not-exist'), '--no-git']],
    ];
    for (const [label, args] of usage) {
      const run = runCli(label, args);
      assert.equal(run.code, 2, `${label}: exit code 2 (got ${run.code})`);
      assert.ok(run.stderr.trim().length > 0, `${label}: says why on stderr`);
      assert.equal(run.stdout.trim(), '', `${label}: nothing on stdout`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A secret inside a server's `command` string (`"command": "GITHUB_TOKEN=… npx"`): scan finds it,
// and discover must print the command with that secret redacted.
test('discover never prints a secret that sits inside a command string', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcps-cmdleak-'));
  try {
    const template = '{ "mcpServers": { "gh": { "command": "GITHUB_TOKEN=ghp_<<an:36>> npx", "args": ["-y", "@modelcontextprotocol/server-github"] } } }\n';
    const file = expandFile('.cursor/mcp.json', template, manifest.seed);
    mkdirSync(join(dir, '.cursor'));
    writeFileSync(join(dir, '.cursor', 'mcp.json'), file.text);
    const at = template.indexOf('ghp_<<an:36>>');
    const secret = secretOf('.cursor/mcp.json command', 'ghp_<<an:36>>', file.text.slice(file.toExpanded(at), file.toExpanded(at + 'ghp_<<an:36>>'.length)));
    const scan = runCli('scan (command)', ['scan', dir, '--format', 'json', '--no-git']);
    assert.equal(scan.code, 1, 'scan reports the secret in the command');
    assertNoLeak(
      [scan, runCli('discover --format json (command)', ['discover', dir, '--format', 'json']), runCli('discover (command)', ['discover', dir])],
      [secret],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
