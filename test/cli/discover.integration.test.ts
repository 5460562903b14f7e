// The built CLI (dist/cli.js, as shipped) over the demo workspace and over bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const demo = join(root, 'examples', 'demo-workspace');

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Expected {
  servers: Array<{ root: string; language: string; framework: string; transports: string[]; tools: Array<{ name: string; file: string; line: number }> }>;
  configs: Array<{ path: string; client: string; scope: string; servers: Array<{ name: string; transport: string; command: string | null; url: string | null }> }>;
}

test('discover --format json over the demo workspace finds exactly the expected servers, tools and configs', () => {
  const { code, stdout, stderr } = runCli(['discover', demo, '--format', 'json']);
  assert.equal(code, 0, stderr);
  const actual = JSON.parse(stdout) as Expected;
  const expected = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'demo-expected-discovery.json'), 'utf8')) as Expected;

  const servers = actual.servers.map((s) => ({
    root: s.root, language: s.language, framework: s.framework, transports: s.transports,
    tools: s.tools.map((t) => ({ name: t.name, file: t.file, line: t.line })),
  }));
  assert.deepEqual(servers, expected.servers);

  const configs = actual.configs
    .map((c) => ({ path: c.path, client: c.client, scope: c.scope, servers: c.servers.map((s) => ({ name: s.name, transport: s.transport, command: s.command, url: s.url })) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const expectedConfigs = [...expected.configs].sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(configs, expectedConfigs);
});

test('discover never prints a secret from the demo workspace (env values, headers, args, URL passwords)', () => {
  const json = runCli(['discover', demo, '--format', 'json']).stdout;
  const text = runCli(['discover', demo]).stdout;
  // Every planted key has one of these shapes; none may appear in any output.
  const secretShapes = [/ghp_[A-Za-z0-9]{36}/, /sk-proj-[A-Za-z0-9_-]{20,}/, /sk_(test|live)_[A-Za-z0-9]{10,}/, /rk_live_[A-Za-z0-9]{10,}/,
    /xoxb-[0-9-]{10,}/, /hf_[A-Za-z]{30,}/, /AKIA[A-Z2-7]{16}/, /AIza[\w-]{35}/, /ntn_[0-9]{5,}/, /lin_api_[A-Za-z0-9]{20,}/,
    /pplx-[A-Za-z0-9]{20,}/, /sntryu_[a-f0-9]{20,}/, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, /:\/\/[^\s:@/]+:[^*\s@/]+@/];
  for (const shape of secretShapes) {
    assert.doesNotMatch(json, shape, `JSON output leaks ${shape}`);
    assert.doesNotMatch(text, shape, `text output leaks ${shape}`);
  }
});

test('discover text output lists servers with their tools and configs with their client', () => {
  const { code, stdout } = runCli(['discover', demo]);
  assert.equal(code, 0);
  assert.match(stdout, /^MCP server projects: 3 \(\d+ tools\)/m);
  assert.match(stdout, /notes-server\s+typescript · mcp-sdk · http, stdio/);
  assert.match(stdout, /delete_note\s+notes-server\/src\/server\.ts:\d+/);
  assert.match(stdout, /\.codex\/config\.toml\s+Codex · workspace/);
  assert.doesNotMatch(stdout, /build\/mcp\.json/, 'ignored build output must be skipped');
});

test('discover --user reads user-level configs from HOME and honours CODEX_HOME / XDG_CONFIG_HOME', () => {
  const home = mkdtempSync(join(tmpdir(), 'mcps-home-'));
  const codexHome = join(home, 'elsewhere', 'codex');
  try {
    mkdirSync(join(home, '.cursor'), { recursive: true });
    writeFileSync(join(home, '.cursor', 'mcp.json'), '{ "mcpServers": { "fs": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem"] } } }');
    mkdirSync(codexHome, { recursive: true });
    writeFileSync(join(codexHome, 'config.toml'), '[mcp_servers.docs]\nurl = "https://example.test/mcp"\n');
    mkdirSync(join(home, 'xdg', 'Code', 'User'), { recursive: true });
    writeFileSync(join(home, 'xdg', 'Code', 'User', 'mcp.json'), '{ "servers": { "remote": { "type": "http", "url": "https://api.example.test/mcp" } } }');
    const workspace = mkdtempSync(join(tmpdir(), 'mcps-ws-'));
    const env = { PATH: process.env.PATH, HOME: home, CODEX_HOME: codexHome, XDG_CONFIG_HOME: join(home, 'xdg') };
    const { code, stdout, stderr } = runCli(['discover', workspace, '--user', '--format', 'json'], env);
    assert.equal(code, 0, stderr);
    const found = JSON.parse(stdout) as Expected;
    const byClient = Object.fromEntries(found.configs.map((c) => [c.client, c]));
    assert.equal(byClient['cursor']?.path, join(home, '.cursor', 'mcp.json'));
    assert.equal(byClient['cursor']?.scope, 'user');
    assert.deepEqual(byClient['cursor']?.servers.map((s) => s.name), ['fs']);
    assert.equal(byClient['codex']?.path, join(codexHome, 'config.toml'));
    assert.equal(byClient['codex']?.servers[0]?.transport, 'http');
    assert.equal(byClient['vscode']?.path, join(home, 'xdg', 'Code', 'User', 'mcp.json'));
    rmSync(workspace, { recursive: true, force: true });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a malformed config is reported with the parser position; discovery goes on', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'mcps-bad-'));
  try {
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(join(workspace, '.vscode', 'mcp.json'), '{\n  "servers": {\n    "a": { "command": "node" }\n    "b": { "command": "npx" }\n  }\n}\n');
    writeFileSync(join(workspace, '.mcp.json'), '{ "mcpServers": { "ok": { "command": "uvx", "args": ["mcp-server-time"] } } }');
    const { code, stdout } = runCli(['discover', workspace, '--format', 'json']);
    assert.equal(code, 0);
    const found = JSON.parse(stdout) as { configs: Array<{ path: string; servers: unknown[]; problems: Array<{ line: number; column: number; message: string }> }> };
    const bad = found.configs.find((c) => c.path === '.vscode/mcp.json');
    assert.ok(bad, 'the malformed config is still listed');
    assert.ok(bad.problems.length > 0);
    assert.equal(bad.problems[0]!.line, 4, JSON.stringify(bad.problems));
    const ok = found.configs.find((c) => c.path === '.mcp.json');
    assert.equal(ok?.servers.length, 1);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('usage errors exit 2 with a clear message', () => {
  const missing = runCli(['discover', join(tmpdir(), 'does-not-exist-mcps'), '--format', 'json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or folder/);
  const badFormat = runCli(['discover', '.', '--format', 'xml']);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /Allowed choices are text, json/);
  const unknown = runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.equal(runCli(['--version']).code, 0);
});
