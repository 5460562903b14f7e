/**
 * Every client format and shape parsed from realistic fixtures, with exact source ranges:
 * each asserted range is sliced out of the file text and compared with the literal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseClientConfig, type ConfigCandidate, type ConfigShape } from '../../src/core/discovery/clients';
import type { ClientConfig, ClientId, ConfigFormat, ConfigServer, SourceRange } from '../../src/core/model';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'configs');

function parseFixture(file: string, client: ClientId, format: ConfigFormat, shape: ConfigShape): { text: string; config: ClientConfig } {
  const full = path.join(FIXTURES, file);
  const text = readFileSync(full, 'utf8');
  const candidate: ConfigCandidate = { path: full, client, scope: 'workspace', format, shape, shared: false };
  const config = parseClientConfig(text, candidate);
  assertPositionsConsistent(text, config);
  return { text, config };
}

const slice = (text: string, range: SourceRange): string => text.slice(range.start.offset, range.end.offset);

function server(config: ClientConfig, name: string): ConfigServer {
  const found = config.servers.find((s) => s.name === name);
  assert.ok(found, `server ${name} not found in ${config.servers.map((s) => s.name).join(', ')}`);
  return found;
}

/** line/column recomputed independently for every range anywhere in the result. */
function assertPositionsConsistent(text: string, value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) assertPositionsConsistent(text, item);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (typeof record.offset === 'number' && typeof record.line === 'number') {
    const before = text.slice(0, record.offset);
    const lines = before.split(/\r\n|\r|\n/);
    const bom = lines.length === 1 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    assert.equal(record.line, lines.length, `line at offset ${record.offset}`);
    assert.equal(record.column, lines[lines.length - 1].length + 1 - bom, `column at offset ${record.offset}`);
    return;
  }
  for (const child of Object.values(record)) assertPositionsConsistent(text, child);
}

function summary(s: ConfigServer) {
  return {
    transport: s.transport,
    command: s.command?.value,
    args: s.args.map((a) => a.value),
    env: Object.fromEntries(s.env.map((e) => [e.key, e.value])),
    url: s.url?.value,
    headers: Object.fromEntries(s.headers.map((h) => [h.key, h.value])),
    disabled: s.disabled,
  };
}

test('VS Code mcp.json: JSONC comments and trailing commas, servers with stdio/http/sse', () => {
  const { text, config } = parseFixture('vscode-mcp.json', 'vscode', 'jsonc', 'vscode-servers');
  assert.deepEqual(config.problems, []);
  assert.deepEqual(config.servers.map((s) => s.name), ['github', 'linear', 'events']);
  const github = server(config, 'github');
  assert.deepEqual(summary(github), {
    transport: 'stdio',
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-github'],
    env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_FAKEa1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6', LOG_LEVEL: 'debug' },
    url: undefined,
    headers: {},
    disabled: false,
  });
  assert.deepEqual(github.path, ['servers', 'github']);
  assert.equal(slice(text, github.nameRange), '"github"');
  assert.equal(slice(text, github.command!.range), '"npx"');
  assert.deepEqual(github.args.map((a) => slice(text, a.range)), ['"-y"', '"@modelcontextprotocol/server-github"']);
  const token = github.env[0];
  assert.equal(slice(text, token.keyRange), '"GITHUB_PERSONAL_ACCESS_TOKEN"');
  assert.equal(slice(text, token.range), '"ghp_FAKEa1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"');
  assert.equal(token.isString, true);
  assert.equal(token.range.start.line, 13);
  assert.equal(token.range.start.column, 41);
  assert.equal(slice(text, github.cwd!.range), '"${workspaceFolder}/tools"');
  assert.ok(slice(text, github.range).startsWith('{\n      "type": "stdio"'));
  assert.ok(slice(text, github.range).endsWith('}'));

  const linear = server(config, 'linear');
  assert.equal(linear.transport, 'http');
  assert.equal(slice(text, linear.url!.range), '"https://mcp.linear.app/mcp"');
  assert.equal(slice(text, linear.headers[0].keyRange), '"Authorization"');
  assert.equal(slice(text, linear.headers[0].range), '"Bearer lin_api_FAKE0123456789abcdef"');
  assert.equal(server(config, 'events').transport, 'sse');
});

test('VS Code settings.json: mcp.servers among other settings', () => {
  const { text, config } = parseFixture('vscode-settings.json', 'vscode', 'jsonc', 'vscode-settings');
  assert.deepEqual(config.problems, []);
  const pg = server(config, 'postgres');
  assert.deepEqual(pg.path, ['mcp', 'servers', 'postgres']);
  assert.equal(pg.transport, 'stdio');
  assert.equal(slice(text, pg.args[4].range), '"postgresql://app:s3cretPassw0rd@db.internal:5432/app"');
});

test('.code-workspace settings.mcp.servers and devcontainer customizations.vscode.mcp.servers', () => {
  const ws = parseFixture('project.code-workspace', 'vscode', 'jsonc', 'code-workspace');
  const sentry = server(ws.config, 'sentry');
  assert.deepEqual(sentry.path, ['settings', 'mcp', 'servers', 'sentry']);
  assert.equal(sentry.transport, 'http');
  assert.equal(slice(ws.text, sentry.url!.range), '"https://mcp.sentry.dev/mcp?token=sntrys_FAKE_abcdef123456"');

  const dc = parseFixture('devcontainer.json', 'vscode', 'jsonc', 'devcontainer');
  const pw = server(dc.config, 'playwright');
  assert.deepEqual(pw.path, ['customizations', 'vscode', 'mcp', 'servers', 'playwright']);
  assert.equal(slice(dc.text, pw.args[0].range), '"@playwright/mcp@latest"');
});

test('Claude Desktop mcpServers next to UI preferences', () => {
  const { text, config } = parseFixture('claude_desktop_config.json', 'claude-desktop', 'json', 'mcp-servers');
  assert.deepEqual(config.servers.map((s) => s.name), ['filesystem', 'brave-search']);
  const brave = server(config, 'brave-search');
  assert.equal(brave.env[0].key, 'BRAVE_API_KEY');
  assert.equal(slice(text, brave.env[0].range), '"BSAfake0123456789abcdefghijklmno"');
  assert.equal(config.client, 'claude-desktop');
  assert.equal(config.format, 'json');
});

test('~/.claude.json: user-scope mcpServers and projects[<abs path>].mcpServers', () => {
  const { text, config } = parseFixture('claude.json', 'claude-code', 'json', 'claude-json');
  assert.deepEqual(config.problems, []);
  assert.deepEqual(config.servers.map((s) => s.path), [
    ['mcpServers', 'context7'],
    ['projects', '/home/alice/app', 'mcpServers', 'github'],
  ]);
  const ctx = server(config, 'context7');
  assert.equal(ctx.transport, 'http');
  assert.equal(slice(text, ctx.headers[0].range), '"ctx7sk-FAKE-1234"');
  const gh = server(config, 'github');
  assert.equal(slice(text, gh.nameRange), '"github"');
  assert.equal(gh.args.length, 6);
  assert.equal(slice(text, gh.env[0].range), '"github_pat_FAKE11ABCDEFG0123456789"');
});

test('workspace .mcp.json (Claude Code) and Visual Studio servers', () => {
  const dot = parseFixture('dot-mcp.json', 'claude-code', 'json', 'dot-mcp-json');
  assert.deepEqual(dot.config.servers.map((s) => [s.name, s.transport]), [['stripe', 'stdio'], ['notion', 'sse']]);
  assert.equal(slice(dot.text, server(dot.config, 'stripe').args[3].range), '"--api-key=${STRIPE_SECRET_KEY}"');

  const vs = parseFixture('visual-studio-mcp.json', 'visual-studio', 'jsonc', 'vscode-servers');
  assert.deepEqual(summary(server(vs.config, 'azure')).args, ['-y', '@azure/mcp@latest', 'server', 'start']);
});

test('Cursor: stdio, streamable-http with headers, bare url', () => {
  const { text, config } = parseFixture('cursor-mcp.json', 'cursor', 'json', 'mcp-servers');
  const supa = server(config, 'supabase');
  assert.equal(slice(text, supa.args[3].range), '"sbp_FAKE0123456789abcdef0123456789abcdef01"');
  const remote = server(config, 'remote');
  assert.equal(remote.transport, 'http');
  assert.equal(slice(text, remote.headers[0].keyRange), '"X-API-Key"');
  assert.equal(server(config, 'plain-url').transport, 'http');
});

test('Windsurf serverUrl and disabled', () => {
  const { text, config } = parseFixture('windsurf-mcp_config.json', 'windsurf', 'json', 'mcp-servers-serverurl');
  const figma = server(config, 'figma');
  assert.equal(figma.transport, 'http');
  assert.equal(figma.disabled, true);
  assert.equal(slice(text, figma.url!.range), '"https://mcp.figma.com/mcp?api_key=figd_FAKE0123456789"');
  assert.equal(server(config, 'git').disabled, false);
});

test('Gemini CLI: httpUrl is HTTP, url is SSE, cwd, and the global mcp block is not a server map', () => {
  const { text, config } = parseFixture('gemini-settings.json', 'gemini', 'json', 'mcp-servers-httpurl');
  assert.deepEqual(config.problems, []);
  assert.deepEqual(config.servers.map((s) => [s.name, s.transport]), [['docs', 'http'], ['legacy', 'sse'], ['local', 'stdio']]);
  assert.equal(slice(text, server(config, 'docs').url!.range), '"https://docs.example.com/mcp"');
  assert.equal(slice(text, server(config, 'local').cwd!.range), '"./servers"');
});

test('Codex TOML: tables, [..env] sub-tables, inline tables, dotted keys, http_headers, enabled', () => {
  const { text, config } = parseFixture('codex-config.toml', 'codex', 'toml', 'codex');
  assert.deepEqual(config.problems, []);
  assert.deepEqual(config.servers.map((s) => s.name), ['github', 'figma', 'inline', 'dotted']);

  const github = server(config, 'github');
  assert.deepEqual(github.path, ['mcp_servers', 'github']);
  assert.equal(slice(text, github.nameRange), 'github');
  assert.equal(github.nameRange.start.line, 5);
  assert.equal(slice(text, github.command!.range), '"npx"');
  assert.equal(slice(text, github.env[0].keyRange), 'GITHUB_PERSONAL_ACCESS_TOKEN');
  assert.equal(slice(text, github.env[0].range), '"ghp_FAKEcodex0123456789abcdefghijklmnop"');
  // The entry spans its table and its [mcp_servers.github.env] sub-table.
  assert.ok(slice(text, github.range).startsWith('[mcp_servers.github]'));
  assert.ok(slice(text, github.range).endsWith('abcdefghijklmnop"'));

  const figma = server(config, 'figma');
  assert.equal(figma.transport, 'http');
  assert.equal(figma.disabled, true);
  assert.deepEqual(figma.headers.map((h) => [slice(text, h.keyRange), slice(text, h.range)]), [
    ['"X-Figma-Region"', '"us-east-1"'],
    ['Authorization', "'Bearer figd_FAKE'"],
  ]);
  assert.equal(figma.headers[1].value, 'Bearer figd_FAKE');

  const inline = server(config, 'inline');
  assert.deepEqual(inline.env.map((e) => [e.key, e.value, e.isString, slice(text, e.range)]), [
    ['FETCH_TOKEN', 'tok_FAKE_inline', true, '"tok_FAKE_inline"'],
    ['RETRIES', '3', false, '3'],
  ]);

  const dotted = server(config, 'dotted');
  assert.equal(slice(text, dotted.nameRange), 'dotted');
  assert.equal(slice(text, dotted.command!.range), '"node"');
  assert.equal(slice(text, dotted.env[0].keyRange), 'SECRET');
  assert.equal(slice(text, dotted.env[0].range), '"dotted_FAKE_secret"');
});

test('Codex TOML: an inline bearer_token is reported with the headers; quoted and unicode names', () => {
  const text = '[mcp_servers."my server ✓"]\nurl = "https://x.example/mcp"\nbearer_token = "tok_FAKE_inline_bearer"\n\n[mcp_servers.other]\ncommand = "x"\nenv.A = "1"\n';
  const config = parseClientConfig(text, { path: '/c.toml', client: 'codex', scope: 'user', format: 'toml', shape: 'codex', shared: true });
  assertPositionsConsistent(text, config);
  const s = server(config, 'my server ✓');
  assert.equal(slice(text, s.nameRange), '"my server ✓"');
  assert.deepEqual(s.headers.map((h) => [h.key, slice(text, h.range)]), [['bearer_token', '"tok_FAKE_inline_bearer"']]);
  assert.equal(slice(text, server(config, 'other').env[0].range), '"1"');
});

test('Codex TOML: [[array tables]] elsewhere do not disturb servers', () => {
  const text = '[[hooks]]\nname = "a"\n[[hooks]]\nname = "b"\n[mcp_servers.x]\ncommand = "y"\n';
  const config = parseClientConfig(text, { path: '/c.toml', client: 'codex', scope: 'user', format: 'toml', shape: 'codex', shared: true });
  assert.deepEqual(config.problems, []);
  assert.deepEqual(config.servers.map((s) => s.name), ['x']);
});

test('Zed context_servers: current, legacy command object, remote and extension shapes', () => {
  const { text, config } = parseFixture('zed-settings.json', 'zed', 'jsonc', 'zed');
  assert.deepEqual(config.problems, []);
  const current = server(config, 'current');
  assert.deepEqual(summary(current), {
    transport: 'stdio', command: 'npx', args: ['-y', 'mcp-server-everything'], env: { EVERYTHING_TOKEN: 'zed_FAKE_current' },
    url: undefined, headers: {}, disabled: false,
  });
  const legacy = server(config, 'legacy');
  assert.equal(slice(text, legacy.command!.range), '"/usr/local/bin/legacy-mcp"');
  assert.equal(slice(text, legacy.args[0].range), '"--stdio"');
  assert.equal(slice(text, legacy.env[0].range), '"zed_FAKE_legacy"');
  const remote = server(config, 'remote');
  assert.equal(remote.transport, 'http');
  assert.equal(slice(text, remote.headers[0].range), '"Bearer zed_FAKE_remote"');
  assert.equal(server(config, 'from-extension').command, undefined);
});

test('Continue YAML: mcpServers list items named by `name`, requestOptions headers', () => {
  const { text, config } = parseFixture('continue-config.yaml', 'continue', 'yaml', 'continue');
  assert.deepEqual(config.problems, []);
  assert.deepEqual(config.servers.map((s) => [s.name, s.transport, s.path]), [
    ['SQLite', 'stdio', ['mcpServers', 0]],
    ['Remote docs', 'http', ['mcpServers', 1]],
  ]);
  const sqlite = server(config, 'SQLite');
  assert.equal(slice(text, sqlite.nameRange), 'SQLite');
  assert.deepEqual(sqlite.args.map((a) => slice(text, a.range)), ['"-y"', '"mcp-sqlite"', '/home/alice/data.db']);
  assert.equal(slice(text, sqlite.env[0].keyRange), 'SQLITE_TOKEN');
  assert.equal(slice(text, sqlite.env[0].range), '"cont_FAKE_1"');
  const remote = server(config, 'Remote docs');
  assert.equal(slice(text, remote.headers[0].range), 'Bearer cont_FAKE_2');

  const block = parseFixture('continue-block.yaml', 'continue', 'yaml', 'continue');
  assert.deepEqual(block.config.servers.map((s) => s.name), ['Browser search']);
  assert.equal(slice(block.text, block.config.servers[0].args[0].range), '"@playwright/mcp@latest"');
});

test('Cline: streamableHttp type spelling and disabled', () => {
  const { config } = parseFixture('cline_mcp_settings.json', 'cline', 'json', 'mcp-servers');
  assert.deepEqual(config.servers.map((s) => [s.name, s.transport, s.disabled]), [
    ['perplexity', 'stdio', false],
    ['remote-cline', 'http', true],
  ]);
});

test('opencode: command array splits into command + args, environment, enabled=false', () => {
  const { text, config } = parseFixture('opencode.jsonc', 'opencode', 'jsonc', 'opencode');
  assert.deepEqual(config.problems, []);
  const jira = server(config, 'jira');
  assert.equal(jira.transport, 'stdio');
  assert.equal(slice(text, jira.command!.range), '"npx"');
  assert.deepEqual(jira.args.map((a) => slice(text, a.range)), ['"-y"', '"mcp-jira"', '"--site"', '"acme.atlassian.net"']);
  assert.equal(slice(text, jira.env[0].range), '"ATATT3x_FAKE_opencode"');
  assert.equal(jira.disabled, false);
  const ctx = server(config, 'context7');
  assert.equal(ctx.transport, 'http');
  assert.equal(ctx.disabled, true);
  assert.equal(slice(text, ctx.headers[0].range), '"ctx7sk-FAKE-oc"');
});

test('Goose: extensions map with cmd/args/envs/uri/headers; built-ins are not servers', () => {
  const { text, config } = parseFixture('goose-config.yaml', 'goose', 'yaml', 'goose');
  assert.deepEqual(config.problems, []);
  assert.deepEqual(config.servers.map((s) => [s.name, s.transport, s.disabled]), [
    ['github', 'stdio', false],
    ['events', 'sse', true],
    ['remote', 'http', false],
  ]);
  const gh = server(config, 'github');
  assert.equal(slice(text, gh.command!.range), 'npx');
  assert.deepEqual(gh.args.map((a) => slice(text, a.range)), ['-y', '"@modelcontextprotocol/server-github"']);
  assert.equal(slice(text, gh.env[0].keyRange), 'GITHUB_PERSONAL_ACCESS_TOKEN');
  assert.equal(slice(text, gh.env[0].range), 'ghp_FAKEgoose0123456789');
  const remote = server(config, 'remote');
  assert.equal(slice(text, remote.url!.range), 'https://mcp.example.com/mcp');
  assert.equal(slice(text, remote.headers[0].range), '"Bearer goose_FAKE_remote"');
});

test('Crush mcp map and Amazon Q agent file', () => {
  const crush = parseFixture('crush.json', 'crush', 'json', 'crush');
  assert.deepEqual(crush.config.servers.map((s) => [s.name, s.transport, s.disabled]), [
    ['filesystem', 'stdio', false],
    ['github', 'http', true],
  ]);
  const q = parseFixture('amazonq-agent.json', 'amazonq', 'json', 'mcp-servers');
  const docs = server(q.config, 'aws-docs');
  assert.equal(slice(q.text, docs.env[1].range), '"wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY"');
});

test('transport type spellings', () => {
  const spellings: Array<[string, string]> = [
    ['stdio', 'stdio'], ['local', 'stdio'], ['sse', 'sse'], ['SSE', 'sse'], ['http', 'http'], ['streamable-http', 'http'],
    ['streamableHttp', 'http'], ['streamable_http', 'http'], ['remote', 'http'],
  ];
  for (const [type, expected] of spellings) {
    const text = JSON.stringify({ mcpServers: { s: { type, url: 'https://x.example', command: type === 'stdio' || type === 'local' ? 'x' : undefined } } });
    const config = parseClientConfig(text, { path: '/m.json', client: 'cursor', scope: 'user', format: 'json', shape: 'mcp-servers', shared: false });
    assert.equal(config.servers[0].transport, expected, type);
  }
});
