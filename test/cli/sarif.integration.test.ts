// The built CLI (dist/cli.js) writing SARIF: exit code, schema validity, GitHub's
// constraints, rule help read from the shipped docs, and no secret values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { scanWorkspace } from '../../src/core/scan/scan';
import { scanToJson } from '../../src/core/report/findings';
import { githubProblems, schemaErrors } from '../core/sarifCheck';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const demo = join(root, 'examples', 'demo-workspace');

function runCli(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('scan --format sarif over the demo workspace exits 1 and prints valid SARIF that GitHub accepts', () => {
  // From another working directory: the rule docs are found next to the bundle, not the cwd.
  const { code, stdout, stderr } = runCli(['scan', demo, '--format', 'sarif', '--no-git'], tmpdir());
  assert.equal(code, 1, `error-level findings exit 1 (stderr: ${stderr})`);
  assert.equal(stderr, '');
  const log = JSON.parse(stdout) as Sarif.Log;
  assert.deepEqual(schemaErrors(log), []);
  assert.deepEqual(githubProblems(log), []);
  assert.equal(log.runs.length, 1);
  const driver = log.runs[0]!.tool.driver;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  assert.equal(driver.name, 'mcp-secure');
  assert.equal(driver.semanticVersion, pkg.version);
  for (const rule of driver.rules ?? []) {
    assert.equal(rule.help?.markdown, readFileSync(join(root, 'docs', 'rules', `${rule.id}.md`), 'utf8').trim(), `${rule.id}: help from docs/rules`);
  }
});

test('the CLI SARIF matches the JSON report finding for finding', async () => {
  const sarif = JSON.parse(runCli(['scan', demo, '--format', 'sarif', '--no-git']).stdout) as Sarif.Log;
  const json = JSON.parse(runCli(['scan', demo, '--format', 'json', '--no-git']).stdout) as ReturnType<typeof scanToJson>;
  const fromSarif = (sarif.runs[0]!.results ?? []).map((r) => {
    const loc = r.locations![0]!.physicalLocation!;
    return [r.ruleId, loc.artifactLocation!.uri, loc.region!.startLine, loc.region!.startColumn, loc.region!.endLine, loc.region!.endColumn];
  });
  assert.deepEqual(fromSarif, json.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.endLine, f.endColumn]));
});

test('the CLI SARIF holds no secret value from the demo workspace', async () => {
  const { stdout } = runCli(['scan', demo, '--format', 'sarif', '--no-git']);
  const scan = await scanWorkspace({ root: demo, git: false });
  const secrets = scan.findings.filter((f) => f.category === 'secret').map((f) => readFileSync(f.file, 'utf8').slice(f.range.start.offset, f.range.end.offset));
  assert.ok(secrets.length >= 10);
  for (const secret of secrets) {
    assert.ok(!stdout.includes(secret), `a value leaked: ${secret.slice(0, 4)}…`);
    const middle = secret.slice(4, -4);
    if (middle.length >= 8) assert.ok(!stdout.includes(middle), `part of a value leaked: ${secret.slice(0, 4)}…`);
  }
});

test('scan of two folders --format sarif gives one run; no error-level findings exits 0', () => {
  const parent = mkdtempSync(join(tmpdir(), 'mcps-sarif-cli-'));
  try {
    mkdirSync(join(parent, 'one'));
    mkdirSync(join(parent, 'two'));
    // A warning-level finding only (a secret-named setting), so the exit code is 0.
    writeFileSync(join(parent, 'two', '.env'), '# mcp-secure-ignore MCPS102 local only\nAPI_TOKEN=Zq8xW3vN6bT1mK4pR7sD\nDB_PASSWORD=Kx9!mQ2#vL7wZp\n');
    const { code, stdout, stderr } = runCli(['scan', 'one', 'two', '--format', 'sarif', '--no-git'], parent);
    assert.equal(code, 0, stderr);
    const log = JSON.parse(stdout) as Sarif.Log;
    assert.deepEqual(schemaErrors(log), []);
    assert.deepEqual(githubProblems(log), []);
    assert.equal(log.runs.length, 1);
    const results = log.runs[0]!.results ?? [];
    assert.ok(results.length >= 1);
    for (const r of results) {
      assert.match(r.locations![0]!.physicalLocation!.artifactLocation!.uri!, /^two\/\.env$/);
      assert.notEqual(r.level, 'error');
    }
    assert.ok(results.some((r) => r.suppressions?.[0]?.justification === 'local only'), 'the suppressed finding is listed as suppressed');
    assert.ok(!stdout.includes('Zq8xW3vN6bT1mK4pR7sD') && !stdout.includes('Kx9!mQ2#vL7wZp'));
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
