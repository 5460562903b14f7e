/**
 * Malformed files, decoys, wrong types and awkward encodings: parseClientConfig never throws,
 * reports exact positions, and offsets stay exact with CRLF, a BOM and non-ASCII text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseClientConfig, type ConfigCandidate, type ConfigShape } from '../../src/core/discovery/clients';
import type { ClientConfig, ClientId, ConfigFormat, SourceRange } from '../../src/core/model';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'configs');

function candidate(client: ClientId, format: ConfigFormat, shape: ConfigShape, shared = false): ConfigCandidate {
  return { path: `/fake/${client}.${format}`, client, scope: 'workspace', format, shape, shared };
}

function parse(text: string, client: ClientId, format: ConfigFormat, shape: ConfigShape): ClientConfig {
  return parseClientConfig(text, candidate(client, format, shape));
}

function fixture(rel: string): string {
  return readFileSync(path.join(FIXTURES, rel), 'utf8');
}

const slice = (text: string, range: SourceRange): string => text.slice(range.start.offset, range.end.offset);

test('JSON missing comma: error with the position, and the servers that parse are salvaged', () => {
  const text = fixture('malformed/missing-comma.json');
  const config = parse(text, 'cursor', 'json', 'mcp-servers');
  assert.equal(config.problems.length, 1);
  const [problem] = config.problems;
  assert.equal(problem.severity, 'error');
  assert.equal(problem.message, 'Expected comma at 5:7');
  assert.equal(problem.file, '/fake/cursor.json');
  assert.deepEqual(problem.range?.start, { line: 5, column: 7, offset: text.indexOf('"args"') });
  assert.equal(slice(text, problem.range!), '"args"');
  // jsonc-parser recovers: the entry is still there with both fields.
  assert.equal(config.servers[0].command?.value, 'npx');
  assert.deepEqual(config.servers[0].args.map((a) => a.value), ['-y', 'pkg']);
});

test('JSON unterminated string: error, no crash', () => {
  const text = fixture('malformed/unterminated-string.json');
  const config = parse(text, 'cursor', 'json', 'mcp-servers');
  const messages = config.problems.map((p) => p.message);
  const at = text.indexOf('"abc');
  const column = at - text.lastIndexOf('\n', at);
  assert.ok(messages.includes(`Unterminated string at 3:${column}`), messages.join(' | '));
  assert.equal(column, 48);
  assert.ok(config.problems.every((p) => p.severity === 'error'));
  // The message never repeats file content (the value could be a secret).
  assert.ok(messages.every((m) => !m.includes('abc')));
});

test('TOML duplicate table: error with line and column, nothing salvaged', () => {
  const text = fixture('malformed/duplicate-table.toml');
  const config = parse(text, 'codex', 'toml', 'codex');
  assert.deepEqual(config.servers, []);
  assert.equal(config.problems.length, 1);
  assert.equal(config.problems[0].severity, 'error');
  assert.match(config.problems[0].message, /multiple times.* at 4:\d+$/);
  assert.equal(config.problems[0].range?.start.line, 4);
});

test('TOML unterminated string reports its position', () => {
  const text = '[mcp_servers.a]\ncommand = "npx\n';
  const config = parse(text, 'codex', 'toml', 'codex');
  assert.equal(config.problems.length, 1);
  assert.match(config.problems[0].message, /^Unterminated string.* at 2:\d+$/);
});

test('YAML bad indentation: error with position; the rest is salvaged', () => {
  const text = fixture('malformed/bad-indent.yaml');
  const config = parse(text, 'goose', 'yaml', 'goose');
  const errors = config.problems.filter((p) => p.message.startsWith('All mapping items must start at the same column'));
  assert.equal(errors.length, 1);
  assert.equal(errors[0].message, 'All mapping items must start at the same column at 4:1');
  assert.equal(errors[0].severity, 'error');
  assert.ok(config.problems.every((p) => !p.message.includes('\n')), 'no source excerpt in messages');
});

test('YAML duplicate key is an error', () => {
  const config = parse('extensions:\n  a:\n    cmd: x\n  a:\n    cmd: y\n', 'goose', 'yaml', 'goose');
  assert.deepEqual(config.problems.map((p) => p.message), ['Map keys must be unique at 4:3']);
  assert.deepEqual(config.servers.map((s) => s.command?.value), ['y']);
});

test('JSON duplicate keys in the MCP section are reported; the last one wins', () => {
  const text = '{\n  "mcpServers": {\n    "a": { "command": "old" },\n    "a": { "command": "new", "command": "newer" }\n  },\n  "other": 1, "other": 2\n}';
  const config = parse(text, 'cursor', 'json', 'mcp-servers');
  assert.deepEqual(config.servers.map((s) => [s.name, s.command?.value]), [['a', 'newer']]);
  assert.deepEqual(config.problems.map((p) => p.message), [
    'Duplicate key "a"; the last one is used at 3:5',
    'Duplicate key "command"; the last one is used at 4:12',
  ]);
});

test('wrong types become problems, not crashes', () => {
  const text = fixture('malformed/wrong-types.json');
  const config = parse(text, 'cursor', 'json', 'mcp-servers');
  assert.deepEqual(config.problems.map((p) => [p.message, slice(text, p.range!)]), [
    ['mcpServers.as-string must be an object, found a string', '"npx -y some-server"'],
    ['mcpServers.bad-fields.command must be a string, found a list', '["npx"]'],
    ['mcpServers.bad-fields.args[1] must be a string, found a number', '8080'],
    ['mcpServers.bad-fields.args[2] must be a string, found a boolean', 'true'],
    ['mcpServers.bad-fields.url must be a string, found a number', '42'],
    ['mcpServers.bad-fields.headers.X-Nested must be a string, found an object', '{ "a": 1 }'],
    ['mcpServers.bad-fields.env must be an object, found a list', '["TOKEN=abc"]'],
  ]);
  assert.ok(config.problems.every((p) => p.severity === 'error'));
  const bad = config.servers.find((s) => s.name === 'bad-fields');
  assert.ok(bad);
  assert.equal(bad.command, undefined);
  assert.deepEqual(bad.args.map((a) => a.value), ['--port', '--verbose']);
  assert.deepEqual(bad.env, []);
  assert.deepEqual(bad.headers.map((h) => [h.key, h.value, h.isString]), [['X-Count', '3', false], ['X-Nested', '{ "a": 1 }', false]]);
  // "blanked": null is how entries are switched off; not an error, not a server.
  assert.deepEqual(config.servers.map((s) => s.name), ['bad-fields']);
});

test('a section of the wrong type and a non-object document are reported', () => {
  assert.deepEqual(parse('{"mcpServers": ["a", "b"]}', 'cursor', 'json', 'mcp-servers').problems.map((p) => p.message), [
    'mcpServers must be an object, found a list',
  ]);
  assert.deepEqual(parse('{"mcp": "on"}', 'vscode', 'jsonc', 'vscode-settings').problems.map((p) => p.message), [
    'mcp must be an object, found a string',
  ]);
  assert.deepEqual(parse('[1, 2]', 'cursor', 'json', 'mcp-servers').problems.map((p) => p.message), ['Expected an object at the top level']);
  assert.deepEqual(parse('mcpServers:\n  a: 1\n', 'continue', 'yaml', 'continue').problems.map((p) => p.message), [
    'mcpServers must be a list, found an object',
  ]);
  assert.deepEqual(parse('mcpServers:\n  - command: npx\n', 'continue', 'yaml', 'continue').problems.map((p) => p.message), [
    'mcpServers[0] has no "name"',
  ]);
});

test('decoys: no MCP section means zero servers and zero problems', () => {
  const settings = parseClientConfig(fixture('vscode-settings-decoy.json'), candidate('vscode', 'jsonc', 'vscode-settings', true));
  assert.deepEqual([settings.servers, settings.problems], [[], []]);
  const pkg = parse(fixture('decoys/package-like.json'), 'cursor', 'json', 'mcp-servers');
  assert.deepEqual([pkg.servers, pkg.problems], [[], []]);
  const goose = parse(fixture('decoys/goose-no-extensions.yaml'), 'goose', 'yaml', 'goose');
  assert.deepEqual([goose.servers, goose.problems], [[], []]);
  for (const [format, text] of [['json', ''], ['json', '  \n'], ['yaml', ''], ['toml', ''], ['yaml', '# only a comment\n']] as const) {
    const empty = parse(text, 'cursor', format, 'mcp-servers');
    assert.deepEqual([empty.servers, empty.problems], [[], []], `${format} ${JSON.stringify(text)}`);
  }
});

test('CRLF line endings: offsets slice exactly and lines count CRLF once', () => {
  const lf = '{\n  "mcpServers": {\n    "gh": {\n      "command": "npx",\n      "env": { "TOKEN": "ghp_FAKEcrlf" }\n    }\n  }\n}\n';
  const text = lf.replace(/\n/g, '\r\n');
  const s = parse(text, 'cursor', 'json', 'mcp-servers').servers[0];
  assert.equal(slice(text, s.env[0].range), '"ghp_FAKEcrlf"');
  assert.deepEqual(s.env[0].range.start, { line: 5, column: 25, offset: text.indexOf('"ghp_FAKEcrlf"') });

  const toml = '[mcp_servers.gh]\r\ncommand = "npx"\r\nenv = { TOKEN = "tok_FAKE" }\r\n';
  const t = parse(toml, 'codex', 'toml', 'codex').servers[0];
  assert.equal(slice(toml, t.env[0].range), '"tok_FAKE"');
  assert.equal(t.env[0].range.start.line, 3);
  assert.equal(t.env[0].range.start.column, 17);

  const yaml = 'extensions:\r\n  gh:\r\n    cmd: npx\r\n    envs:\r\n      TOKEN: tok_FAKE\r\n';
  const y = parse(yaml, 'goose', 'yaml', 'goose').servers[0];
  assert.equal(slice(yaml, y.env[0].range), 'tok_FAKE');
  assert.deepEqual([y.env[0].range.start.line, y.env[0].range.start.column], [5, 14]);
});

test('UTF-8 BOM: parsed in every format; offsets index the given text, columns skip the BOM', () => {
  const json = '\uFEFF{"mcpServers": {"a": {"command": "npx"}}}';
  const j = parse(json, 'cursor', 'json', 'mcp-servers');
  assert.deepEqual(j.problems, []);
  assert.equal(slice(json, j.servers[0].command!.range), '"npx"');
  assert.deepEqual(j.servers[0].nameRange.start, { line: 1, column: 17, offset: 17 });

  const toml = '\uFEFF[mcp_servers.a]\ncommand = "npx"\n';
  const t = parse(toml, 'codex', 'toml', 'codex');
  assert.deepEqual(t.problems, []);
  assert.equal(slice(toml, t.servers[0].nameRange), 'a');
  assert.deepEqual(t.servers[0].nameRange.start, { line: 1, column: 14, offset: 14 });

  const yaml = '\uFEFFextensions:\n  a:\n    cmd: npx\n';
  const y = parse(yaml, 'goose', 'yaml', 'goose');
  assert.deepEqual(y.problems, []);
  assert.equal(slice(yaml, y.servers[0].command!.range), 'npx');
});

test('non-ASCII keys and values (including astral characters): UTF-16 offsets and columns', () => {
  const text = '{\n  "mcpServers": {\n    "dépôt-😀": {\n      "command": "nœud",\n      "env": { "CLÉ_😀": "valeur-✓" }\n    }\n  }\n}';
  const s = parse(text, 'cursor', 'json', 'mcp-servers').servers[0];
  assert.equal(s.name, 'dépôt-😀');
  assert.equal(slice(text, s.nameRange), '"dépôt-😀"');
  assert.equal(slice(text, s.env[0].keyRange), '"CLÉ_😀"');
  assert.equal(slice(text, s.env[0].range), '"valeur-✓"');
  // '      "env": { "CLÉ_😀": ' is 25 UTF-16 units (the emoji counts twice).
  assert.equal(s.env[0].range.start.column, 26);

  const toml = '"clé" = "😀😀"\n[mcp_servers."ünï"]\nenv = { "😀" = "v😀" }\n';
  const t = parse(toml, 'codex', 'toml', 'codex').servers[0];
  assert.equal(slice(toml, t.nameRange), '"ünï"');
  assert.equal(slice(toml, t.env[0].keyRange), '"😀"');
  assert.equal(slice(toml, t.env[0].range), '"v😀"');
  assert.equal(t.env[0].range.start.column, 16);

  const yaml = 'note: "😀"\nextensions:\n  ünï:\n    cmd: nœud\n    envs: {"😀": v😀}\n';
  const y = parse(yaml, 'goose', 'yaml', 'goose').servers[0];
  assert.equal(slice(yaml, y.nameRange), 'ünï');
  assert.equal(slice(yaml, y.env[0].range), 'v😀');
  assert.equal(y.env[0].range.start.column, 18); // 4 spaces, 'envs: {', '"😀"' (4 units), ': '
});

test('YAML aliases resolve to the anchored value', () => {
  const text = 'x-token: &tok tok_FAKE_anchor\nextensions:\n  a:\n    cmd: npx\n    envs:\n      TOKEN: *tok\n';
  const s = parse(text, 'goose', 'yaml', 'goose').servers[0];
  assert.equal(s.env[0].value, 'tok_FAKE_anchor');
  assert.equal(slice(text, s.env[0].range), 'tok_FAKE_anchor');
});

test('never throws: every prefix of every fixture parses to a result', () => {
  const cases: Array<[string, ConfigFormat, ConfigShape]> = [];
  for (const file of readdirSync(FIXTURES)) {
    if (file.endsWith('.toml')) cases.push([file, 'toml', 'codex']);
    else if (file.endsWith('.yaml')) cases.push([file, 'yaml', file.startsWith('goose') ? 'goose' : 'continue']);
    else if (file.includes('.json') || file.endsWith('.code-workspace')) cases.push([file, 'jsonc', 'claude-json']);
  }
  assert.ok(cases.length >= 15);
  for (const [file, format, shape] of cases) {
    const text = fixture(file);
    for (let cut = 0; cut <= text.length; cut += 7) {
      const config = parseClientConfig(text.slice(0, cut), candidate('cursor', format, shape));
      assert.ok(Array.isArray(config.servers) && Array.isArray(config.problems));
      for (const problem of config.problems) assert.notEqual(problem.message.startsWith('Internal error'), true, `${file}@${cut}`);
    }
  }
});
