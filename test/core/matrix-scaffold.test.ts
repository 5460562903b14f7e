// "Create Principal Matrix", the pure part: launches from client configs and manifests (no
// secret values copied), scopes from the authorization lint's snippets, proposed principals,
// allow lists and example arguments, and the document (JSONC with a header, valid per schema).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseJsonc } from 'jsonc-parser';
import { discover } from '../../src/core/discovery/discover';
import { lintAuthorization } from '../../src/core/authz';
import { FIX_STATE } from '../../src/core/authz/lint';
import { parseMatrixText } from '../../src/core/matrix/load';
import {
  buildMatrixConfig,
  buildMatrixDocument,
  launchesFromConfigs,
  launchesFromManifest,
  proposePrincipals,
  scopesInSnippets,
  toolScopesFromFacts,
  type ConfigLaunch,
  type ProjectForLaunch,
} from '../../src/core/matrix/scaffold';

const root = join(__dirname, '..', '..');
const demo = join(root, 'examples', 'demo-workspace');

const notes: ProjectForLaunch = {
  root: '/ws/notes-server',
  language: 'typescript',
  transports: ['stdio', 'http'],
  toolFiles: ['/ws/notes-server/src/server.ts'],
  packageJson: JSON.stringify({ scripts: { build: 'tsc -p .', dev: 'tsx watch src/http.ts', start: 'node dist/http.js', lint: 'eslint . && prettier -c .' } }),
};
const existing = new Set(['/ws/notes-server/src/stdio.ts', '/ws/notes-server/src/http.ts', '/ws/notes-server']);
const exists = (p: string) => existing.has(p);

test('launch from a client config that runs the project: paths relative to the project, env names only, placeholders', () => {
  const entries: ConfigLaunch[] = [
    {
      configPath: '/ws/.vscode/mcp.json',
      name: 'notes',
      transport: 'stdio',
      command: 'node',
      args: ['--import', 'tsx', '${workspaceFolder}/notes-server/src/stdio.ts'],
      env: [{ key: 'OAUTH_ISSUER', value: 'https://auth.example/' }, { key: 'MCP_ACCESS_TOKEN', value: '${env:T}' }, { key: 'NOTES_DB_PASSWORD', value: 'hunter2-secret' }],
    },
    // Another server: not this project.
    { configPath: '/ws/.mcp.json', name: 'notion', transport: 'stdio', command: 'npx', args: ['-y', '@notionhq/notion-mcp-server'], env: [] },
    // Relative path from the workspace folder (opencode.json style).
    { configPath: '/ws/opencode.json', name: 'notes2', transport: 'stdio', command: 'node', args: ['--import', 'tsx', 'notes-server/src/stdio.ts'], env: [] },
    // HTTP entries have no command to start.
    { configPath: '/ws/.vscode/mcp.json', name: 'notes-http', transport: 'http', args: [], env: [] },
    // Needs the client's own input variables: left out.
    { configPath: '/ws/x.json', name: 'notes3', transport: 'stdio', command: 'node', args: ['notes-server/src/stdio.ts', '--key=${input:key}'], env: [] },
  ];
  const out = launchesFromConfigs(notes, '/ws', entries, exists);
  assert.deepEqual(out.map((c) => c.label), ['notes (.vscode/mcp.json)', 'notes2 (opencode.json)']);
  const first = out[0]!;
  assert.deepEqual(first.server, {
    transport: 'stdio',
    command: 'node',
    args: ['--import', 'tsx', 'src/stdio.ts'],
    cwd: 'notes-server',
    env: { OAUTH_ISSUER: '${issuer}', OAUTH_JWKS_URL: '${jwksUri}', OAUTH_AUDIENCE: '${audience}' },
    tokenEnv: 'MCP_ACCESS_TOKEN',
    startupTimeoutMs: 15000,
  });
  assert.deepEqual(first.droppedEnv, ['NOTES_DB_PASSWORD']);
  assert.doesNotMatch(JSON.stringify(out), /hunter2|auth\.example/, 'no value of the client config is copied');
});

test('launches from the manifest: node/tsx scripts (tsx watch made one-shot), shell scripts skipped; the tools file only as a fallback', () => {
  assert.deepEqual(launchesFromManifest(notes, '/ws', exists).map((c) => c.detail), ['tsx src/http.ts'], 'dist/http.js is not built: left out');
  const out = launchesFromManifest(notes, '/ws');
  assert.deepEqual(out.map((c) => c.detail), ['node dist/http.js', 'tsx src/http.ts']);
  assert.equal(out[0]!.server.transport, 'http');
  assert.equal(out[0]!.server.url, 'http://127.0.0.1:${port}/mcp');
  assert.equal(out[0]!.server.env!.PORT, '${port}');
  const py = launchesFromManifest({ root: '/ws/weather-py', language: 'python', transports: ['http'], toolFiles: ['/ws/weather-py/server.py'] }, '/ws');
  assert.deepEqual(py.map((c) => c.detail), ['python3 server.py']);
  assert.equal(py[0]!.server.env!.FASTMCP_PORT, '${port}');
  const go = launchesFromManifest({ root: '/ws/triage', language: 'go', transports: ['stdio'], toolFiles: ['/ws/triage/main.go'] }, '/ws');
  assert.deepEqual(go.map((c) => `${c.detail} ${c.server.transport} ${c.server.cwd}`), ['go run . stdio triage']);
});

test('scopes in authorization snippets: scope-shaped literals, any literal where the snippet is about scopes', () => {
  assert.deepEqual(scopesInSnippets(["requireScope(extra, 'notes:read')"]), ['notes:read']);
  assert.deepEqual(scopesInSnippets(['@require_scope("admin")']), ['admin']);
  assert.deepEqual(scopesInSnippets(["(extra.authInfo && !extra.authInfo.scopes.includes('notes:write'))"]), ['notes:write']);
  assert.deepEqual(scopesInSnippets(['hasRole(user, "admin")']), [], 'a plain word outside a scope check is not a scope');
  assert.deepEqual(scopesInSnippets(['check(ctx, "repo.write", `x ${y}`, "https://www.googleapis.com/auth/drive")']), ['repo.write', 'https://www.googleapis.com/auth/drive']);
  assert.deepEqual(scopesInSnippets(['requireScope(extra, "has space")']), []);
});

test('scopes per tool from the real lint facts of the demo servers', async () => {
  const d = await discover({ root: demo });
  const byRoot = (name: string) => d.servers.find((s) => s.root.endsWith(name))!;
  const scopesOf = async (name: string) => {
    const project = byRoot(name);
    await lintAuthorization({ root: demo, servers: [project], readFile: (p) => readFile(p, 'utf8'), settings: { authorizationFunctions: [] } });
    const files = [];
    for (const f of project.sources) {
      const st = FIX_STATE.get(f);
      if (st) files.push({ facts: st.facts, text: await readFile(f, 'utf8') });
    }
    return toolScopesFromFacts(files);
  };
  assert.deepEqual(await scopesOf('notes-server'), {
    list_notes: ['notes:read'],
    read_note: ['notes:read'],
    create_note: ['notes:write'],
    export_notes: ['notes:read'],
  });
  assert.deepEqual(await scopesOf('weather-py'), { set_alert_threshold: ['weather:write'] });
  assert.deepEqual(await scopesOf('github-triage-go'), {});
});

test('principals from scopes: readonly ⊂ user ⊂ admin; without scopes a role claim only', () => {
  const p = proposePrincipals(['notes:write', 'notes:read', 'notes:admin', 'notes:read']);
  assert.deepEqual(p.principals.readonly!.scopes, ['notes:read']);
  assert.deepEqual(p.principals.user!.scopes, ['notes:read', 'notes:write']);
  assert.deepEqual(p.principals.admin!.scopes, ['notes:admin', 'notes:read', 'notes:write']);
  assert.match(p.basis, /notes:admin, notes:read, notes:write/);
  const none = proposePrincipals([]);
  assert.deepEqual(Object.keys(none.principals), ['readonly', 'user', 'admin']);
  assert.ok(Object.values(none.principals).every((x) => x.scopes!.length === 0 && typeof x.claims?.role === 'string'));
});

test('the matrix: allow lists from scopes (else annotations / names), example args from input schemas', () => {
  const { config } = buildMatrixConfig({
    server: { transport: 'stdio', command: 'node', args: ['x.js'] },
    tools: [
      { name: 'read_note', inputSchema: { type: 'object', properties: { id: { type: 'string' }, verbose: { type: 'boolean' } }, required: ['id'] } },
      { name: 'create_note', inputSchema: { type: 'object', properties: { title: { type: 'string', minLength: 3 } }, required: ['title'] } },
      { name: 'delete_note', inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
      { name: 'list_notes' },
      { name: 'rotate', annotations: { destructiveHint: true } },
      { name: 'peek', annotations: { readOnlyHint: true } },
      { name: 'summarise' },
    ],
    toolScopes: { read_note: ['notes:read'], create_note: ['notes:write'] },
    launchLabel: 'l',
    projectLabel: 'p',
  });
  const allow = Object.fromEntries(Object.entries(config.tools!).map(([n, t]) => [n, t.allow]));
  assert.deepEqual(allow, {
    read_note: ['readonly', 'user', 'admin'],
    create_note: ['user', 'admin'],
    delete_note: ['admin'],
    list_notes: ['readonly', 'user', 'admin'],
    rotate: ['admin'],
    peek: ['readonly', 'user', 'admin'],
    summarise: ['user', 'admin'],
  });
  assert.deepEqual(config.tools!.read_note!.args, { id: 'mcp-secure-matrix' });
  assert.deepEqual(config.tools!.list_notes!.args, {});
});

test('the document: JSONC header saying where things came from, loads without problems, valid per the schema', async () => {
  const text = buildMatrixDocument({
    server: { transport: 'http', command: 'node', args: ['--import', 'tsx', 'src/http.ts'], cwd: 'notes-server', env: { PORT: '${port}' }, url: 'http://127.0.0.1:${port}/mcp' },
    tools: [{ name: 'read_note' }],
    toolScopes: { read_note: ['notes:read'] },
    launchLabel: 'notes (.vscode/mcp.json): node --import tsx src/stdio.ts',
    projectLabel: 'notes-server',
    droppedEnv: ['NOTES_DB_PASSWORD'],
    notListed: ['hidden_tool'],
  });
  assert.match(text, /^\/\/ Principal matrix for notes-server/);
  assert.match(text, /Not copied from the client config \(may be secrets\): NOTES_DB_PASSWORD/);
  assert.match(text, /not listed by the server: hidden_tool/);
  const loaded = parseMatrixText(text);
  assert.deepEqual(loaded.problems, []);
  const errors: unknown[] = [];
  const json = parseJsonc(text, errors as never[], { allowTrailingComma: true });
  assert.deepEqual(errors, []);
  const schema = JSON.parse(await readFile(join(root, 'schemas', 'mcp-matrix.schema.json'), 'utf8'));
  const validate = new Ajv({ strict: false }).compile(schema);
  assert.ok(validate(json), JSON.stringify(validate.errors));
  const stat = buildMatrixDocument({ server: { transport: 'stdio', command: 'go', args: ['run', '.'] }, tools: [{ name: 'a' }], launchLabel: 'l', projectLabel: 'p', staticOnly: 'Restricted Mode' });
  assert.match(stat, /Tools: found in the source \(Restricted Mode\)/);
});
