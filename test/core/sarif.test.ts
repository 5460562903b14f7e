// SARIF 2.1.0 output: schema-valid, faithful to the JSON report, stable fingerprints, no
// secret values, and within GitHub code scanning's constraints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { scanWorkspace, type ScanResult } from '../../src/core/scan/scan';
import { scanToJson } from '../../src/core/report/findings';
import { FINGERPRINT_KEY, SARIF_SCHEMA_URI, SRCROOT, pascalCase, scanToSarif } from '../../src/core/report/sarif';
import { RULES, ruleDocPath } from '../../src/core/rules';
import type { Finding } from '../../src/core/model';
import { githubProblems, schemaErrors } from './sarifCheck';

const root = join(__dirname, '..', '..');
const demo = join(root, 'examples', 'demo-workspace');
const LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };

let demoScan: Promise<ScanResult> | undefined;
function scanDemo(): Promise<ScanResult> {
  demoScan ??= scanWorkspace({ root: demo, git: false });
  return demoScan;
}

function onlyRun(log: Sarif.Log): Sarif.Run {
  assert.equal(log.runs.length, 1);
  return log.runs[0]!;
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

// Shaped like real keys, made up for these tests.
const GITHUB_KEY = 'ghp_Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ3kL5';
const OPENAI_KEY = 'sk-proj-Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Jh0GfEdCbA9z8Y7x6W5v';

test('the demo workspace converts to SARIF 2.1.0 that the official schema accepts', async () => {
  const log = scanToSarif([await scanDemo()], { version: '1.2.3' });
  assert.deepEqual(schemaErrors(log), []);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.$schema, SARIF_SCHEMA_URI);
  const run = onlyRun(log);
  assert.equal(run.tool.driver.name, 'mcp-secure');
  assert.equal(run.tool.driver.semanticVersion, '1.2.3');
  assert.equal(run.tool.driver.informationUri, undefined, 'no made-up URL');
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.deepEqual(run.originalUriBaseIds, { [SRCROOT]: { uri: pathToFileURL(demo).href + '/' } });
  assert.equal(run.invocations?.[0]?.executionSuccessful, true);
  assert.ok((run.results ?? []).length >= 10, 'the demo has many findings');
});

test('results carry the same rule, level, file and region as the JSON report', async () => {
  const scan = await scanDemo();
  const json = scanToJson(scan).findings;
  const run = onlyRun(scanToSarif([scan], { version: '0.0.0' }));
  const fromSarif = (run.results ?? []).map((r) => {
    const loc = r.locations![0]!.physicalLocation!;
    assert.equal(loc.artifactLocation!.uriBaseId, SRCROOT);
    const g = loc.region!;
    return [r.ruleId, r.level, loc.artifactLocation!.uri, g.startLine, g.startColumn, g.endLine, g.endColumn, r.message.text, r.partialFingerprints![FINGERPRINT_KEY]];
  });
  const fromJson = json.map((f) => [f.ruleId, LEVEL[f.severity], f.file, f.line, f.column, f.endLine, f.endColumn, f.message, f.fingerprint]);
  assert.deepEqual(fromSarif, fromJson);
  for (const result of run.results ?? []) {
    assert.equal(run.tool.driver.rules![result.ruleIndex!]!.id, result.ruleId);
  }
});

test('regions select exactly the reported text (1-based columns, exclusive end)', async () => {
  const scan = await scanDemo();
  const run = onlyRun(scanToSarif([scan], { version: '0.0.0' }));
  scan.findings.forEach((finding, i) => {
    const region = run.results![i]!.locations![0]!.physicalLocation!.region!;
    const text = readFileSync(finding.file, 'utf8');
    const lines = text.split(/\r\n|\r|\n/);
    assert.equal(region.startLine, region.endLine, 'demo findings are on one line');
    const selected = lines[region.startLine! - 1]!.slice(region.startColumn! - 1, region.endColumn! - 1);
    assert.equal(selected, text.slice(finding.range.start.offset, finding.range.end.offset), `${finding.ruleId} at ${finding.file}:${region.startLine}`);
  });
});

test('rules: every known rule, with its docs page as help and GitHub severity properties', async () => {
  const run = onlyRun(scanToSarif([await scanDemo()], { version: '0.0.0' }));
  const rules = run.tool.driver.rules ?? [];
  assert.deepEqual(rules.map((r) => r.id), RULES.map((r) => r.id));
  for (const meta of RULES) {
    const rule = rules.find((r) => r.id === meta.id)!;
    const page = readFileSync(join(root, ruleDocPath(meta.id)), 'utf8').trim();
    assert.equal(rule.name, pascalCase(meta.title));
    assert.match(rule.name!, /^[A-Z][A-Za-z0-9]*$/);
    assert.equal(rule.shortDescription?.text, meta.title);
    assert.ok(rule.fullDescription!.text.length > 20 && !rule.fullDescription!.text.endsWith(':'), `${meta.id}: fullDescription from "What it reports"`);
    assert.doesNotMatch(rule.fullDescription!.text, /\n|\*\*\w[^*]*\*\*/, `${meta.id}: fullDescription is one line of plain text`);
    assert.equal(rule.help?.markdown, page);
    assert.doesNotMatch(rule.help!.text, /^#|^```|\*\*Category/m, `${meta.id}: help.text is plain text`);
    assert.ok(rule.help!.text.startsWith(`${meta.id} — ${meta.title}`));
    assert.equal(rule.defaultConfiguration?.level, LEVEL[meta.defaultSeverity]);
    const tags = rule.properties?.tags as string[];
    assert.ok(tags.includes(meta.category));
    if (meta.category === 'secret' || meta.category === 'authz') {
      assert.ok(tags.includes('security'));
      assert.equal(rule.properties?.['security-severity'], { error: '8.0', warning: '5.0', info: '2.0' }[meta.defaultSeverity]);
    }
  }
  assert.equal(pascalCase('Password in a connection string, URL or Basic auth header'), 'PasswordInAConnectionStringURLOrBasicAuthHeader');
});

test('results meet GitHub code scanning constraints', async () => {
  const log = scanToSarif([await scanDemo()], { version: '0.1.0' });
  assert.deepEqual(githubProblems(log), []);
  for (const result of onlyRun(log).results ?? []) {
    assert.match(result.partialFingerprints![FINGERPRINT_KEY]!, /^[0-9a-f]{32}$/);
    assert.ok(['secret', 'authz', 'config'].includes((result.properties as { category: string }).category));
  }
});

test('no secret value from the demo workspace appears anywhere in the SARIF', async () => {
  const scan = await scanDemo();
  const sarif = JSON.stringify(scanToSarif([scan], { version: '0.0.0' }));
  const secrets = scan.findings.filter((f) => f.category === 'secret').map((f) => readFileSync(f.file, 'utf8').slice(f.range.start.offset, f.range.end.offset));
  assert.ok(secrets.length >= 10);
  for (const secret of secrets) {
    assert.ok(!sarif.includes(secret), `a value leaked: ${secret.slice(0, 4)}…`);
    // The redacted form shows at most 4 characters at each end; nothing in between may show.
    const middle = secret.slice(4, -4);
    if (middle.length >= 8) assert.ok(!sarif.includes(middle), `part of a value leaked: ${secret.slice(0, 4)}…`);
  }
  assert.doesNotMatch(sarif, /"snippet"/, 'regions never carry snippets');
});

test('partial fingerprints survive a blank line inserted above the findings', async () => {
  const ws = tempDir('mcps-sarif-fp-');
  try {
    for (const rel of ['.mcp.json', '.codex/config.toml', 'weather-py/.env']) {
      mkdirSync(dirname(join(ws, rel)), { recursive: true });
      cpSync(join(demo, rel), join(ws, rel));
    }
    const before = onlyRun(scanToSarif([await scanWorkspace({ root: ws, git: false })], { version: '0.0.0' })).results ?? [];
    assert.ok(before.length >= 5, 'the copied files have findings');
    // Insert an empty line right above the first finding of each file.
    const firstLine = new Map<string, number>();
    for (const r of before) {
      const uri = r.locations![0]!.physicalLocation!.artifactLocation!.uri!;
      const line = r.locations![0]!.physicalLocation!.region!.startLine!;
      firstLine.set(uri, Math.min(firstLine.get(uri) ?? line, line));
    }
    for (const [uri, line] of firstLine) {
      const lines = readFileSync(join(ws, uri), 'utf8').split('\n');
      lines.splice(line - 1, 0, '');
      writeFileSync(join(ws, uri), lines.join('\n'));
    }
    const after = onlyRun(scanToSarif([await scanWorkspace({ root: ws, git: false })], { version: '0.0.0' })).results ?? [];
    const key = (r: Sarif.Result) => `${r.ruleId} ${r.locations![0]!.physicalLocation!.artifactLocation!.uri} ${r.partialFingerprints![FINGERPRINT_KEY]}`;
    assert.deepEqual(after.map(key), before.map(key));
    after.forEach((r, i) => {
      assert.equal(r.locations![0]!.physicalLocation!.region!.startLine, before[i]!.locations![0]!.physicalLocation!.region!.startLine! + 1, 'the finding did move');
    });
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('suppressed findings are results with an in-source suppression and its reason', async () => {
  const ws = tempDir('mcps-sarif-sup-');
  try {
    writeFileSync(join(ws, '.env'), `# mcp-secure-ignore MCPS101 rotated test fixture\nGITHUB_TOKEN=${GITHUB_KEY}\nOPENAI_API_KEY=${OPENAI_KEY}\n`);
    const scan = await scanWorkspace({ root: ws, git: false });
    assert.equal(scan.suppressed.length, 1);
    const log = scanToSarif([scan], { version: '0.0.0' });
    assert.deepEqual(schemaErrors(log), []);
    const results = onlyRun(log).results ?? [];
    assert.equal(results.length, 2);
    const suppressed = results.filter((r) => r.suppressions);
    assert.equal(suppressed.length, 1);
    assert.equal(suppressed[0]!.locations![0]!.physicalLocation!.region!.startLine, 2);
    assert.deepEqual(suppressed[0]!.suppressions, [
      { kind: 'inSource', justification: 'rotated test fixture', location: { physicalLocation: { artifactLocation: { uri: '.env', uriBaseId: SRCROOT }, region: { startLine: 1 } } } },
    ]);
    const text = JSON.stringify(log);
    assert.ok(!text.includes(GITHUB_KEY) && !text.includes(OPENAI_KEY));

    // The reason is captured when the scan runs: a later edit of the file does not change the report.
    writeFileSync(join(ws, '.env'), `GITHUB_TOKEN=${GITHUB_KEY}\n`);
    const later = onlyRun(scanToSarif([scan], { version: '0.0.0' })).results!.find((r) => r.suppressions)!;
    assert.equal(later.suppressions![0]!.justification, 'rotated test fixture');
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('malformed configs and problems: MCPS301 results and tool execution notifications', async () => {
  const ws = tempDir('mcps-sarif-prob-');
  try {
    writeFileSync(join(ws, '.mcp.json'), '{ "mcpServers": { "a": { "command": "x" ');
    writeFileSync(join(ws, '.mcp-secure.json'), '{ "ignore": [ }');
    const scan = await scanWorkspace({ root: ws, git: false });
    const log = scanToSarif([scan], { version: '0.0.0' });
    assert.deepEqual(schemaErrors(log), []);
    assert.deepEqual(githubProblems(log), []);
    const run = onlyRun(log);
    const malformed = run.results!.find((r) => r.ruleId === 'MCPS301')!;
    assert.equal(malformed.level, 'error');
    const region = malformed.locations![0]!.physicalLocation!.region!;
    assert.ok(region.endColumn! >= region.startColumn!, 'an empty region is an insertion point, not a reversed range');
    const rule = run.tool.driver.rules!.find((r) => r.id === 'MCPS301')!;
    assert.equal(rule.properties?.['security-severity'], undefined, 'a malformed config is not a security alert');
    const notes = run.invocations![0]!.toolExecutionNotifications ?? [];
    assert.ok(notes.length > 0);
    for (const note of notes) {
      assert.equal(note.level, 'error');
      assert.equal(note.locations![0]!.physicalLocation!.artifactLocation!.uri, '.mcp-secure.json');
      assert.ok((note.message.text ?? '').length > 0);
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('a problem message that looks like it holds a secret is withheld', async () => {
  const scan = await scanDemo();
  const leaky: ScanResult = { ...scan, problems: [{ file: join(demo, '.mcp.json'), severity: 'error', message: `unexpected token ${GITHUB_KEY}` }] };
  const text = JSON.stringify(scanToSarif([leaky], { version: '0.0.0' }));
  assert.ok(!text.includes(GITHUB_KEY));
  assert.match(text, /withheld/);
});

test('files outside the scanned root get absolute file URIs; related locations are kept', async () => {
  const scan = await scanDemo();
  const home = join(tmpdir(), 'mcps home', '.cursor', 'mcp.json');
  const first = scan.findings[0]!;
  const outside: Finding = { ...first, file: home, fingerprint: 'f'.repeat(32) };
  const related: Finding = {
    ...first,
    fingerprint: 'e'.repeat(32),
    related: [{ file: join(demo, 'notes-server', 'src', 'server.ts'), range: first.range, message: 'the sensitive call' }],
  };
  const log = scanToSarif([{ ...scan, findings: [outside, related] }], { version: '0.0.0' });
  assert.deepEqual(schemaErrors(log), []);
  // Results are ordered by file path, which depends on where the checkout lives: pick by fingerprint.
  const results = onlyRun(log).results!;
  const a = results.find((r) => r.partialFingerprints?.['mcpSecure/v1'] === 'f'.repeat(32));
  const b = results.find((r) => r.partialFingerprints?.['mcpSecure/v1'] === 'e'.repeat(32));
  assert.deepEqual(a!.locations![0]!.physicalLocation!.artifactLocation, { uri: pathToFileURL(home).href });
  assert.match(a!.locations![0]!.physicalLocation!.artifactLocation!.uri!, /^file:\/\/\/.*mcps%20home/);
  assert.deepEqual(b!.relatedLocations?.map((r) => [r.id, r.physicalLocation?.artifactLocation?.uri, r.message?.text]), [[1, 'notes-server/src/server.ts', 'the sensitive call']]);
  // GitHub cannot place a file that is not in the repository; the check says so.
  assert.equal(githubProblems(log).length, 1);
});

test('several roots make one run, with URIs relative to the folder they share', async () => {
  const parent = tempDir('mcps-sarif-multi-');
  try {
    for (const name of ['a', 'b b']) {
      mkdirSync(join(parent, name));
      writeFileSync(join(parent, name, '.env'), `GITHUB_TOKEN=${GITHUB_KEY}\n`);
    }
    const scans = [await scanWorkspace({ root: join(parent, 'a'), git: false }), await scanWorkspace({ root: join(parent, 'b b'), git: false })];
    // Overlapping roots (`scan a a`, `scan . a`) do not duplicate results.
    const log = scanToSarif([...scans, scans[0]!, await scanWorkspace({ root: parent, git: false })], { version: '0.0.0' });
    assert.deepEqual(schemaErrors(log), []);
    assert.deepEqual(githubProblems(log), []);
    const run = onlyRun(log);
    assert.deepEqual(run.originalUriBaseIds, { [SRCROOT]: { uri: pathToFileURL(parent).href + '/' } });
    assert.deepEqual(run.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri), ['a/.env', 'b%20b/.env']);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('an empty scan is still a valid log with the rules', () => {
  const log = scanToSarif([], { version: '0.0.0' });
  assert.deepEqual(schemaErrors(log), []);
  const run = onlyRun(log);
  assert.deepEqual(run.results, []);
  assert.equal(run.tool.driver.rules!.length, RULES.length);
});
