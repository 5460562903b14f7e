// The migration engine over every config format discovery supports: plan + apply gives exactly
// the golden output (test/fixtures/migrate/cases/*.out.*), keeps comments and layout, re-parses
// with the same servers, holds no migrated value, and migrating the output again changes nothing.
// MCP_SECURE_UPDATE_GOLDEN=1 rewrites the golden files (review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseClientConfig, type ConfigCandidate } from '../../src/core/discovery/configParse';
import { applyEdits, planMigration, verifyMigratedText, type MigrationStrategy } from '../../src/core/migrate';
import { editsOverlap } from '../../src/core/migrate/syntax';
import { assertSameText, materialise, unexpand } from '../fixtures/migrate/materialise';

const dir = join(__dirname, '..', 'fixtures', 'migrate');
interface Case {
  name: string;
  input: string;
  path: string;
  client: ConfigCandidate['client'];
  format: ConfigCandidate['format'];
  shape: ConfigCandidate['shape'];
  strategy?: MigrationStrategy;
  secrets: number;
  skipped: string[];
}
const manifest = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { launcher: string; service: string; cases: Case[] };
const update = process.env.MCP_SECURE_UPDATE_GOLDEN === '1';

/** Comments that must survive the rewrite, per input. */
const COMMENTS: Record<string, string[]> = {
  'vscode-mcp.in.jsonc': ['// Servers for this repo.', '// GitHub, run with npx.', '// the official one', '// pasted from settings', '/* Notes over HTTP */'],
  'vscode-settings.in.json': ['// MCP in settings'],
  'codex.in.toml': ['# Codex CLI configuration', '# from github.com/settings/tokens'],
  'zed.in.jsonc': ['// Zed settings (JSONC)'],
  'continue-block.in.yaml': ['# SQLite over stdio', '# personal'],
  'opencode.in.jsonc': ['// opencode: command is an array, env is "environment"'],
};

function plan(text: string, c: Case, existing: ReadonlySet<string> = new Set()) {
  const candidate: ConfigCandidate = { path: c.path, client: c.client, scope: 'workspace', format: c.format, shape: c.shape, shared: false };
  return { candidate, plan: planMigration({ text, candidate, root: '/w', service: manifest.service, launcher: manifest.launcher, existingAccounts: existing, strategy: c.strategy }) };
}

for (const c of manifest.cases) {
  test(`golden: ${c.name}`, () => {
    const template = readFileSync(join(dir, 'cases', c.input), 'utf8');
    const { text, fills } = materialise(template, `migrate-${c.input}`);
    const { candidate, plan: p } = plan(text, c);

    assert.equal(p.secrets.length, c.secrets, `values planned: ${p.secrets.map((s) => s.account).join(', ')} / skipped: ${JSON.stringify(p.skipped)}`);
    assert.deepEqual(p.skipped.map((s) => s.serverName).sort(), [...c.skipped].sort());
    assert.ok(!editsOverlap(p.edits), 'edits do not overlap');
    for (let i = 1; i < p.edits.length; i++) assert.ok(p.edits[i - 1]!.offset <= p.edits[i]!.offset, 'edits are sorted');

    const out = applyEdits(text, p.edits);
    const golden = join(dir, 'cases', `${c.name}.out${extname(c.input)}`);
    const shown = unexpand(out, fills);
    if (update || !existsSync(golden)) writeFileSync(golden, shown);
    assert.equal(shown, readFileSync(golden, 'utf8'), `output differs from ${golden}`);
    if (c.secrets === 0) {
      assertSameText(out, text, 'nothing planned, nothing changed');
      return;
    }

    // Verified, re-parsed, same servers, values gone, references in place.
    assert.deepEqual(verifyMigratedText(text, out, candidate, p), []);
    const before = parseClientConfig(text, candidate);
    const after = parseClientConfig(out, candidate);
    assert.deepEqual(after.problems.filter((x) => x.severity === 'error'), []);
    assert.deepEqual(after.servers.map((s) => s.name), before.servers.map((s) => s.name));
    for (const s of p.secrets) {
      assert.ok(!out.includes(s.secret), `${s.account}: stored value gone from the file`);
      for (const d of s.detected) assert.ok(!out.includes(d), `${s.account}: detected value gone from the file`);
      const server = after.servers.find((x) => x.path.join('/') === s.serverPath.join('/'))!;
      const values = [...server.env.map((e) => e.value), ...server.headers.map((h) => h.value), ...server.args.map((a) => a.value)];
      assert.ok(values.some((v) => v.includes(s.reference)), `${s.account}: the entry references it`);
      if (s.storage === 'keychain') assert.match(s.reference, /^keyring:\/\/mcp-secure\/[^\s/]+\/\S+$/);
    }
    for (const comment of COMMENTS[c.input] ?? []) assert.ok(out.includes(comment), `comment kept: ${comment}`);
    if (text.startsWith('\uFEFF')) assert.ok(out.startsWith('\uFEFF{'), 'BOM kept');
    if (text.includes('\r\n')) assert.doesNotMatch(out.replace(/\r\n/g, ''), /\n/, 'CRLF kept on every line');

    // Idempotent: the output has nothing left to migrate (skipped servers stay skipped).
    const again = plan(out, c).plan;
    assert.equal(again.secrets.length, 0);
    assert.equal(again.edits.length, 0);
    assert.deepEqual(again.skipped.map((s) => s.serverName).sort(), [...c.skipped].sort());
  });
}
