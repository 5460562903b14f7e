// Corpus test at the level of whole files: planted fake secrets and hard negatives in every
// client config format discovery supports (plus .env files and MCP server source), through the
// real pipeline (scanWorkspace: discovery, parsing, detection, suppressions, .mcp-secure.json).
// Reports precision and recall; fails below 0.95 for either. Every finding's range must slice
// exactly the planted secret: for URLs and connection strings that is the password (or the
// credential query value) alone, for `Authorization: Bearer X` the token without the scheme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { scanDocument, scanWorkspace, type ScanResult } from '../../src/core/scan/scan';
import type { Finding } from '../../src/core/model';
import { redactSecret } from '../../src/core/secrets';
import { LineStarts } from '../../src/core/util/positions';
import { loadManifest, locateSecret, materialise, lineOffset, type ExpandedFile } from '../fixtures/secrets-configs/template';

const manifest = loadManifest();

interface Corpus {
  dir: string;
  files: Map<string, ExpandedFile>;
  result: ScanResult;
}

let corpus: Promise<Corpus> | undefined;

/** Materialises the template once and scans it with user-level configs read from the fake home. */
function scanCorpus(): Promise<Corpus> {
  corpus ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcps-secrets-configs-'));
    const files = materialise(dir, manifest.seed);
    const result = await scanWorkspace({
      root: join(dir, 'workspace'),
      git: false,
      includeUser: true,
      env: { platform: 'linux', home: join(dir, 'home'), env: {} },
    });
    return { dir, files, result };
  })();
  return corpus;
}

function relOf(dir: string, file: string): string {
  return relative(dir, file).split(sep).join('/');
}

function describeFinding(dir: string, f: Finding): string {
  // Never the value: the redacted form only.
  return `${relOf(dir, f.file)}:${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.secret?.provider ?? f.category} ${f.secret?.redacted ?? ''}`;
}

test.after(async () => {
  if (corpus) rmSync((await corpus).dir, { recursive: true, force: true });
});

test('corpus manifest: sizes, formats and consistency with the template files', async () => {
  const { files } = await scanCorpus();
  const providers = new Set(manifest.planted.map((p) => p.providerId).filter((p) => p !== 'generic'));
  assert.ok(manifest.planted.length >= 60, `at least 60 planted secrets (${manifest.planted.length})`);
  assert.ok(providers.size >= 20, `at least 20 providers (${providers.size})`);
  assert.ok(manifest.negatives.length >= 40, `at least 40 hard negatives (${manifest.negatives.length})`);
  assert.ok(manifest.notFound.some((n) => n.why === 'ignored'), 'a secret under a path .mcp-secure.json ignores');
  assert.ok(manifest.notFound.some((n) => n.why === 'suppressed'), 'a secret suppressed with mcp-secure-ignore and a reason');

  for (const entry of [...manifest.planted, ...manifest.notFound]) {
    const file = files.get(entry.file);
    assert.ok(file, `${entry.file} exists in the template`);
    locateSecret(file, entry.line, entry.secret); // throws when the manifest drifted
  }
  for (const negative of manifest.negatives) {
    const file = files.get(negative.file);
    assert.ok(file, `${negative.file} exists in the template`);
    const start = lineOffset(file.template, negative.line);
    const end = file.template.indexOf('\n', start);
    assert.ok(file.template.slice(start, end < 0 ? undefined : end).includes(negative.contains), `${negative.file}:${negative.line} holds ${negative.contains}`);
  }
});

test('corpus: every client config format is discovered (workspace and user level) and scanned', async () => {
  const { dir, result } = await scanCorpus();
  const configs = new Map(result.discovery.configs.map((c) => [relOf(dir, c.path), c]));
  const expected: Record<string, string> = {
    'workspace/.vscode/mcp.json': 'vscode',
    'workspace/.vscode/settings.json': 'vscode',
    'workspace/acme.code-workspace': 'vscode',
    'workspace/.mcp.json': 'claude-code',
    'workspace/.cursor/mcp.json': 'cursor',
    'workspace/.windsurf/mcp.json': 'windsurf',
    'workspace/.gemini/settings.json': 'gemini',
    'workspace/.codex/config.toml': 'codex',
    'workspace/.zed/settings.json': 'zed',
    'workspace/.continue/mcpServers/platform.yaml': 'continue',
    'workspace/.roo/mcp.json': 'roo',
    'workspace/.kilocode/mcp.json': 'kilo',
    'workspace/.amazonq/mcp.json': 'amazonq',
    'workspace/.kiro/settings/mcp.json': 'kiro',
    'workspace/.github/mcp.json': 'copilot-cli',
    'workspace/.vs/mcp.json': 'visual-studio',
    'workspace/.crush.json': 'crush',
    'workspace/opencode.json': 'opencode',
    'home/.config/goose/config.yaml': 'goose',
    'home/.config/Claude/claude_desktop_config.json': 'claude-desktop',
    'home/.claude.json': 'claude-code',
  };
  for (const [path, client] of Object.entries(expected)) {
    const config = configs.get(path);
    assert.ok(config, `${path} is discovered`);
    assert.equal(config.client, client, `${path} is read as ${client}`);
    assert.deepEqual(config.problems, [], `${path} parses cleanly`);
    assert.ok(config.servers.length > 0, `${path} has servers`);
  }
  assert.ok(!configs.has('workspace/vendor-samples/.cursor/mcp.json'), '.mcp-secure.json "ignore" skips vendor-samples/');
  const servers = result.discovery.servers.map((s) => `${relOf(dir, s.root)} ${s.language}`).sort();
  assert.deepEqual(servers, ['workspace/servers/notes typescript', 'workspace/servers/weather python']);
  const envFiles = result.discovery.envFiles.map((e) => `${relOf(dir, e.path)}${e.gitignored ? ' (gitignored)' : ''}`).sort();
  assert.deepEqual(envFiles, ['workspace/.env', 'workspace/.env.local (gitignored)']);
  assert.deepEqual(result.problems.filter((p) => p.severity === 'error'), [], 'no error-level problems');
  // 21 config files, 2 .env files, 2 server sources: 25 formats-and-places in all.
  assert.equal(Object.keys(expected).length + envFiles.length + servers.length, 25);
});

test('corpus: precision and recall of the whole-file scan across config formats', async (t) => {
  const { dir, files, result } = await scanCorpus();
  const expected = manifest.planted.map((entry) => {
    const located = locateSecret(files.get(entry.file)!, entry.line, entry.secret);
    return { ...entry, ...located };
  });
  const hit = new Set<number>();
  const falsePositives: string[] = [];
  const wrongProvider: string[] = [];
  const wrongRange: string[] = [];
  const secretFindings = result.findings.filter((f) => f.category === 'secret');
  for (const finding of secretFindings) {
    const rel = relOf(dir, finding.file);
    const file = files.get(rel);
    const index = expected.findIndex((e, i) => !hit.has(i) && e.file === rel && e.line === finding.range.start.line && finding.range.start.offset < e.end && e.start < finding.range.end.offset);
    if (index < 0 || !file) {
      falsePositives.push(describeFinding(dir, finding));
      continue;
    }
    const want = expected[index]!;
    if (want.providerId !== finding.secret?.provider || want.ruleId !== finding.ruleId) {
      wrongProvider.push(`${describeFinding(dir, finding)}: expected ${want.providerId}/${want.ruleId}`);
      falsePositives.push(describeFinding(dir, finding));
      continue;
    }
    hit.add(index);
    // The range slices exactly the secret, and its line/column agree with its offsets.
    const lines = new LineStarts(file.text);
    const { start, end } = finding.range;
    const consistent =
      JSON.stringify(lines.position(start.offset)) === JSON.stringify(start) && JSON.stringify(lines.position(end.offset)) === JSON.stringify(end);
    if (start.offset !== want.start || end.offset !== want.end || !consistent) {
      wrongRange.push(`${describeFinding(dir, finding)}: range [${start.offset}, ${end.offset}) (consistent: ${consistent}), secret at [${want.start}, ${want.end})`);
    }
    if (finding.secret?.redacted !== redactSecret(want.value)) wrongRange.push(`${describeFinding(dir, finding)}: redaction of a different value`);
  }
  const missed = expected.filter((_, i) => !hit.has(i)).map((e) => `${e.file}:${e.line} ${e.providerId}/${e.ruleId} (${redactSecret(e.value)})`);
  const precision = secretFindings.length === 0 ? 0 : hit.size / secretFindings.length;
  const recall = hit.size / expected.length;
  const providers = new Set(manifest.planted.map((p) => p.providerId).filter((p) => p !== 'generic'));
  const formats = new Set([...files.keys()].filter((f) => manifest.planted.some((p) => p.file === f)));
  t.diagnostic(
    `secret configs corpus: ${expected.length} planted secrets (${providers.size} providers + generic) in ${formats.size} files, ` +
      `${manifest.negatives.length} hard negatives, ${manifest.notFound.length} ignored/suppressed, ` +
      `${secretFindings.length} findings → precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
  );
  if (missed.length) t.diagnostic(`missed: ${missed.join('; ')}`);
  if (falsePositives.length) t.diagnostic(`false positives: ${falsePositives.join('; ')}`);
  if (wrongProvider.length) t.diagnostic(`wrong provider: ${wrongProvider.join('; ')}`);
  assert.ok(precision >= 0.95, `precision ${precision.toFixed(3)} < 0.95`);
  assert.ok(recall >= 0.95, `recall ${recall.toFixed(3)} < 0.95`);
  assert.deepEqual(wrongRange, [], 'every finding slices exactly its secret');
});

test('corpus: ignored paths and reasoned suppressions are not reported; a suppression without a reason is', async () => {
  const { dir, files, result } = await scanCorpus();
  for (const entry of manifest.notFound) {
    const located = locateSecret(files.get(entry.file)!, entry.line, entry.secret);
    const at = (f: Finding) => relOf(dir, f.file) === entry.file && f.range.start.offset === located.start && f.range.end.offset === located.end;
    assert.ok(!result.findings.some(at), `${entry.file}:${entry.line} (${redactSecret(located.value)}) must not be reported (${entry.why})`);
    if (entry.why === 'suppressed') {
      assert.ok(result.suppressed.some((f) => at(f) && f.ruleId === entry.ruleId), `${entry.file}:${entry.line} is listed as suppressed`);
    }
  }
  assert.equal(result.suppressed.length, manifest.notFound.filter((n) => n.why === 'suppressed').length);
  const noReason = result.findings.find((f) => relOf(dir, f.file) === 'workspace/.vscode/mcp.json' && f.secret?.key === 'SENDGRID_BACKUP_KEY');
  assert.ok(noReason, 'the finding under a suppression without a reason stands');
  assert.match(noReason.message, /has no reason, so it does not apply/);
});

test('corpus: severities — provider keys are errors, gitignored .env files are warnings, generic names warnings', async () => {
  const { dir, result } = await scanCorpus();
  for (const finding of result.findings.filter((f) => f.category === 'secret')) {
    const rel = relOf(dir, finding.file);
    const where = describeFinding(dir, finding);
    if (rel === 'workspace/.env.local') assert.equal(finding.severity, 'warning', `${where}: gitignored .env`);
    else if (finding.ruleId === 'MCPS101' || finding.ruleId === 'MCPS103' || finding.ruleId === 'MCPS104') assert.equal(finding.severity, 'error', where);
    else assert.equal(finding.severity, 'warning', where);
    // Messages name the place and carry the redacted form only.
    assert.ok(finding.message.includes(finding.secret!.redacted), `${where}: message shows the redacted form`);
  }
});

test('corpus: the Goose config gives the same findings through scanDocument with a user candidate', async () => {
  const { dir, files, result } = await scanCorpus();
  const rel = 'home/.config/goose/config.yaml';
  const file = join(dir, rel);
  const fromPipeline = result.findings.filter((f) => f.file === file).map((f) => `${f.range.start.offset}-${f.range.end.offset} ${f.ruleId} ${f.secret?.provider}`);
  const { findings } = scanDocument(
    file,
    files.get(rel)!.text,
    { type: 'config', candidate: { path: file, client: 'goose', scope: 'user', format: 'yaml', shape: 'goose', shared: true } },
    join(dir, 'workspace'),
  );
  assert.equal(fromPipeline.length, 3);
  assert.deepEqual(findings.map((f) => `${f.range.start.offset}-${f.range.end.offset} ${f.ruleId} ${f.secret?.provider}`), fromPipeline);
});
