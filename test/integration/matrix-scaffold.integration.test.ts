// "Create Principal Matrix" end to end without the editor: the demo's notes-server is found by
// discovery, launched the way .vscode/mcp.json runs it, started through the harness's probe
// (tools/list only, then stopped with its process group), and the scaffolded matrix then runs:
// every listed tool × every proposed and hostile principal. A server that cannot start is a
// clear error and leaves nothing behind.
//
// Alone: node --import tsx --test test/integration/matrix-scaffold.integration.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discover } from '../../src/core/discovery/discover';
import { lintAuthorization } from '../../src/core/authz';
import { FIX_STATE } from '../../src/core/authz/lint';
import { parseMatrixText } from '../../src/core/matrix/load';
import { probeServerTools } from '../../src/core/matrix/probe';
import { runMatrix } from '../../src/core/matrix/run';
import { buildMatrixDocument, launchesFromConfigs, proposePrincipals, toolScopesFromFacts, type ConfigLaunch } from '../../src/core/matrix/scaffold';
import { HOSTILE_PRINCIPALS } from '../../src/core/matrix/types';
import { processesWith } from './lib/processes';

const demo = join(__dirname, '..', '..', 'examples', 'demo-workspace');

test('notes-server: launch from .vscode/mcp.json, tools/list through the probe, the scaffold runs as a matrix', { timeout: 120_000 }, async () => {
  const d = await discover({ root: demo });
  const project = d.servers.find((s) => s.root.endsWith('notes-server'))!;
  const entries: ConfigLaunch[] = d.configs.flatMap((c) =>
    c.servers.map((s) => ({ configPath: c.path, name: s.name, transport: s.transport, command: s.command?.value, args: s.args.map((a) => a.value), cwd: s.cwd?.value, env: s.env.map((e) => ({ key: e.key, value: '' })) })),
  );
  const launches = launchesFromConfigs(
    { root: project.root, language: project.language, transports: project.transports, toolFiles: project.tools.map((t) => t.file) },
    demo,
    entries,
    existsSync,
  );
  const launch = launches.find((l) => l.label.startsWith('notes (.vscode/mcp.json)'))!;
  assert.ok(launch, JSON.stringify(launches.map((l) => l.label)));
  assert.deepEqual(launch.server.args, ['--import', 'tsx', 'src/stdio.ts']);

  await lintAuthorization({ root: demo, servers: [project], readFile: (p) => readFile(p, 'utf8'), settings: { authorizationFunctions: [] } });
  const files = [];
  for (const f of project.sources) if (FIX_STATE.get(f)) files.push({ facts: FIX_STATE.get(f)!.facts, text: await readFile(f, 'utf8') });
  const scopes = toolScopesFromFacts(files);

  const stderr: string[] = [];
  const probed = await probeServerTools(launch.server, { cwd: demo, principal: proposePrincipals(Object.values(scopes).flat()).principals.admin, onOutput: (t) => stderr.push(t), handleSignals: false });
  assert.deepEqual(probed.tools.map((t) => t.name).sort(), project.tools.map((t) => t.name).sort(), 'the running server lists the tools discovery found');
  assert.ok(stderr.join('').includes('running on stdio'), 'the server really ran');
  assert.deepEqual(processesWith('src/stdio.ts'), [], 'the probe stopped the server');

  const text = buildMatrixDocument({ server: launch.server, tools: probed.tools, toolScopes: scopes, launchLabel: launch.label, projectLabel: 'notes-server', droppedEnv: launch.droppedEnv });
  const { config, problems } = parseMatrixText(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(Object.keys(config!.principals), ['readonly', 'user', 'admin']);
  assert.deepEqual({ ...config!.tools!.read_note!.args }, { id: 'mcp-secure-matrix' }, 'example arguments from the input schema');
  assert.deepEqual(config!.tools!.create_note!.allow, ['user', 'admin']);

  const result = await runMatrix(config!, { cwd: demo, handleSignals: false });
  assert.equal(result.cells.length, probed.tools.length * (3 + HOSTILE_PRINCIPALS.length), 'tools × (proposed + hostile) principals');
  const cell = (p: string, t: string) => result.cells.find((c) => c.principal === p && c.tool === t)!;
  assert.equal(cell('readonly', 'read_note').expected, 'allow');
  assert.equal(cell('readonly', 'create_note').actual, 'deny', `the server refuses notes:write to readonly: ${cell('readonly', 'create_note').detail}`);
  assert.equal(cell('user', 'create_note').actual, 'allow', cell('user', 'create_note').detail);
  assert.deepEqual(processesWith('src/stdio.ts'), [], 'the run stopped every server');
});

test('a server that cannot start: a clear error with its exit, nothing left running', { timeout: 60_000 }, async () => {
  await assert.rejects(
    probeServerTools({ transport: 'stdio', command: process.execPath, args: ['-e', 'console.error("boom: missing module"); process.exit(3)'], startupTimeoutMs: 5000 }, { cwd: demo, handleSignals: false }),
    (e: Error) => /could not list the tools: the server exited \(exit code 3\).*boom: missing module/.test(e.message),
  );
  await assert.rejects(
    probeServerTools({ transport: 'stdio', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000) // mcp-secure-probe-hang'], startupTimeoutMs: 1500 }, { cwd: demo, handleSignals: false }),
    /could not list the tools/,
  );
  assert.deepEqual(processesWith('mcp-secure-probe-hang'), []);
});
