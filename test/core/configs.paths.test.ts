/**
 * Where client configs live: user-level and managed paths per OS with the environment
 * overrides, wildcard expansion through an injected listDir, and workspace matching.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLIENTS,
  WORKSPACE_CONFIG_BASENAMES,
  WORKSPACE_CONFIG_DIRS,
  clientLabel,
  expandTemplate,
  matchWorkspaceConfig,
  userConfigCandidates,
  type ConfigCandidate,
  type DiscoveryEnv,
} from '../../src/core/discovery/clients';
import type { ClientId } from '../../src/core/model';

const LINUX: DiscoveryEnv = { platform: 'linux', home: '/home/alice', env: {} };
const DARWIN: DiscoveryEnv = { platform: 'darwin', home: '/Users/alice', env: {} };
const WIN32: DiscoveryEnv = { platform: 'win32', home: 'C:\\Users\\alice', env: { APPDATA: 'C:\\Users\\alice\\AppData\\Roaming' } };

const noDirs = async (): Promise<string[]> => [];

/** A fake file system: folder → names. */
function fakeDirs(tree: Record<string, string[]>): (dir: string) => Promise<string[]> {
  return async (dir) => tree[dir] ?? [];
}

async function byPath(denv: DiscoveryEnv, listDir: (dir: string) => Promise<string[]> = noDirs): Promise<Map<string, ConfigCandidate>> {
  const candidates = await userConfigCandidates(denv, listDir);
  const map = new Map(candidates.map((c) => [c.path, c]));
  assert.equal(map.size, candidates.length, 'no duplicate paths');
  return map;
}

function expectCandidate(map: Map<string, ConfigCandidate>, path: string, client: ClientId, extra: Partial<ConfigCandidate> = {}): void {
  const found = map.get(path);
  assert.ok(found, `missing ${path}`);
  assert.equal(found.client, client, path);
  for (const [key, value] of Object.entries(extra)) assert.equal(found[key as keyof ConfigCandidate], value, `${path} ${key}`);
}

test('the table covers every client id, each with a label and at least one location', () => {
  const ids: ClientId[] = [
    'vscode', 'claude-desktop', 'claude-code', 'cursor', 'windsurf', 'gemini', 'codex', 'zed', 'continue', 'cline', 'roo',
    'kilo', 'amazonq', 'kiro', 'opencode', 'goose', 'copilot-cli', 'visual-studio', 'antigravity', 'lmstudio', 'crush',
  ];
  assert.deepEqual(CLIENTS.map((c) => c.id).sort(), [...ids].sort());
  for (const client of CLIENTS) {
    assert.ok(client.label.length > 0);
    assert.ok(client.user.length + client.workspace.length > 0, client.id);
  }
  assert.equal(clientLabel('claude-code'), 'Claude Code');
  assert.equal(clientLabel('something-new'), 'something-new');
});

test('Linux defaults: XDG config home is ~/.config; managed paths under /etc', async () => {
  const map = await byPath(LINUX);
  expectCandidate(map, '/home/alice/.config/Code/User/mcp.json', 'vscode', { format: 'jsonc', shape: 'vscode-servers', scope: 'user', shared: false });
  expectCandidate(map, '/home/alice/.config/Code - Insiders/User/mcp.json', 'vscode');
  expectCandidate(map, '/home/alice/.config/Code/User/settings.json', 'vscode', { shape: 'vscode-settings', shared: true });
  expectCandidate(map, '/home/alice/.config/Claude/claude_desktop_config.json', 'claude-desktop');
  expectCandidate(map, '/home/alice/.claude.json', 'claude-code', { shape: 'claude-json', shared: true });
  expectCandidate(map, '/etc/claude-code/managed-mcp.json', 'claude-code', { scope: 'managed' });
  expectCandidate(map, '/home/alice/.cursor/mcp.json', 'cursor');
  expectCandidate(map, '/home/alice/.codeium/windsurf/mcp_config.json', 'windsurf', { shape: 'mcp-servers-serverurl' });
  expectCandidate(map, '/home/alice/.gemini/settings.json', 'gemini', { shared: true });
  expectCandidate(map, '/etc/gemini-cli/settings.json', 'gemini', { scope: 'managed' });
  expectCandidate(map, '/home/alice/.codex/config.toml', 'codex', { format: 'toml', shape: 'codex' });
  expectCandidate(map, '/etc/codex/config.toml', 'codex', { scope: 'managed' });
  expectCandidate(map, '/home/alice/.config/zed/settings.json', 'zed', { format: 'jsonc' });
  expectCandidate(map, '/home/alice/.continue/config.yaml', 'continue', { format: 'yaml' });
  expectCandidate(map, '/home/alice/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json', 'cline');
  expectCandidate(map, '/home/alice/.config/Cursor/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json', 'cline');
  expectCandidate(map, '/home/alice/.cline/data/settings/cline_mcp_settings.json', 'cline');
  expectCandidate(map, '/home/alice/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json', 'roo');
  expectCandidate(map, '/home/alice/.config/Code/User/globalStorage/kilocode.kilo-code/settings/mcp_settings.json', 'kilo');
  expectCandidate(map, '/home/alice/.aws/amazonq/mcp.json', 'amazonq');
  expectCandidate(map, '/home/alice/.kiro/settings/mcp.json', 'kiro');
  expectCandidate(map, '/home/alice/.config/opencode/opencode.json', 'opencode', { shape: 'opencode' });
  expectCandidate(map, '/home/alice/.config/opencode/opencode.jsonc', 'opencode');
  expectCandidate(map, '/etc/opencode/opencode.json', 'opencode', { scope: 'managed' });
  expectCandidate(map, '/home/alice/.config/goose/config.yaml', 'goose', { format: 'yaml', shape: 'goose' });
  expectCandidate(map, '/home/alice/.copilot/mcp-config.json', 'copilot-cli');
  expectCandidate(map, '/home/alice/.gemini/antigravity/mcp_config.json', 'antigravity');
  expectCandidate(map, '/home/alice/.lmstudio/mcp.json', 'lmstudio');
  expectCandidate(map, '/home/alice/.config/crush/crush.json', 'crush', { shape: 'crush' });
  // Visual Studio is Windows only; variables without a default are skipped when unset.
  assert.ok(![...map.values()].some((c) => c.client === 'visual-studio'));
  assert.ok(![...map.keys()].some((p) => p.includes('$') || p.includes('%') || p.includes('*') || p.includes('~')));
});

test('Linux overrides: XDG_CONFIG_HOME, CODEX_HOME, CLAUDE_CONFIG_DIR and file overrides', async () => {
  const map = await byPath({
    ...LINUX,
    env: {
      XDG_CONFIG_HOME: '/xdg',
      CODEX_HOME: '/opt/codex',
      CLAUDE_CONFIG_DIR: '/data/claude',
      GEMINI_CLI_SYSTEM_SETTINGS_PATH: '/srv/gemini/system.json',
      CLINE_MCP_SETTINGS_PATH: '/srv/cline.json',
      OPENCODE_CONFIG: '/srv/opencode-custom.json',
      VSCODE_PORTABLE: '/opt/vscode/data',
      CONTINUE_GLOBAL_DIR: '/srv/continue',
      HOME: '/ignored/because/home/is/a/parameter',
    },
  });
  expectCandidate(map, '/xdg/Code/User/mcp.json', 'vscode');
  expectCandidate(map, '/xdg/Claude/claude_desktop_config.json', 'claude-desktop');
  expectCandidate(map, '/xdg/zed/settings.json', 'zed');
  expectCandidate(map, '/xdg/goose/config.yaml', 'goose');
  expectCandidate(map, '/xdg/opencode/opencode.json', 'opencode');
  expectCandidate(map, '/xdg/.copilot/mcp-config.json', 'copilot-cli');
  expectCandidate(map, '/home/alice/.copilot/mcp-config.json', 'copilot-cli');
  expectCandidate(map, '/opt/codex/config.toml', 'codex');
  expectCandidate(map, '/data/claude/.claude.json', 'claude-code');
  expectCandidate(map, '/srv/gemini/system.json', 'gemini', { scope: 'managed' });
  expectCandidate(map, '/srv/cline.json', 'cline');
  expectCandidate(map, '/srv/opencode-custom.json', 'opencode', { format: 'jsonc' });
  expectCandidate(map, '/opt/vscode/data/user-data/User/mcp.json', 'vscode');
  expectCandidate(map, '/srv/continue/config.yaml', 'continue');
  for (const gone of [
    '/home/alice/.config/Code/User/mcp.json', '/home/alice/.codex/config.toml', '/home/alice/.claude.json',
    '/etc/gemini-cli/settings.json', '/home/alice/.cline/data/settings/cline_mcp_settings.json', '/home/alice/.continue/config.yaml',
  ]) {
    assert.equal(map.has(gone), false, gone);
  }
});

test('an empty variable counts as unset, and equal expansions are de-duplicated', async () => {
  const map = await byPath({ ...LINUX, env: { XDG_CONFIG_HOME: '', CODEX_HOME: '' } });
  expectCandidate(map, '/home/alice/.config/Code/User/mcp.json', 'vscode');
  expectCandidate(map, '/home/alice/.codex/config.toml', 'codex');
  // ${XDG_CONFIG_HOME?}/.copilot and ~/.copilot name the same file here.
  const same = await userConfigCandidates({ ...LINUX, env: { XDG_CONFIG_HOME: '/home/alice' } }, noDirs);
  assert.equal(same.filter((c) => c.path === '/home/alice/.copilot/mcp-config.json').length, 1);
});

test('macOS: Application Support paths and /Library managed files', async () => {
  const map = await byPath(DARWIN);
  expectCandidate(map, '/Users/alice/Library/Application Support/Code/User/mcp.json', 'vscode');
  expectCandidate(map, '/Users/alice/Library/Application Support/Code/User/settings.json', 'vscode');
  expectCandidate(map, '/Users/alice/Library/Application Support/Claude/claude_desktop_config.json', 'claude-desktop');
  expectCandidate(map, '/Library/Application Support/ClaudeCode/managed-mcp.json', 'claude-code', { scope: 'managed' });
  expectCandidate(map, '/Library/Application Support/GeminiCli/settings.json', 'gemini', { scope: 'managed' });
  expectCandidate(map, '/Users/alice/Library/Application Support/Cursor/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json', 'roo');
  expectCandidate(map, '/Users/alice/.config/zed/settings.json', 'zed');
  expectCandidate(map, '/Users/alice/.claude.json', 'claude-code');
  expectCandidate(map, '/Library/Application Support/opencode/opencode.jsonc', 'opencode', { scope: 'managed' });
  assert.equal(map.has('/Users/alice/.config/Code/User/mcp.json'), false);
});

test('Windows: %APPDATA%, case-insensitive variables, defaults and backslashes', async () => {
  const map = await byPath(WIN32);
  expectCandidate(map, 'C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\mcp.json', 'vscode');
  expectCandidate(map, 'C:\\Users\\alice\\AppData\\Roaming\\Claude\\claude_desktop_config.json', 'claude-desktop');
  expectCandidate(map, 'C:\\Program Files\\ClaudeCode\\managed-mcp.json', 'claude-code', { scope: 'managed' });
  expectCandidate(map, 'C:\\ProgramData\\gemini-cli\\settings.json', 'gemini', { scope: 'managed' });
  expectCandidate(map, 'C:\\ProgramData\\OpenAI\\Codex\\config.toml', 'codex', { scope: 'managed' });
  expectCandidate(map, 'C:\\Users\\alice\\.codex\\config.toml', 'codex');
  expectCandidate(map, 'C:\\Users\\alice\\.cursor\\mcp.json', 'cursor');
  expectCandidate(map, 'C:\\Users\\alice\\AppData\\Roaming\\Zed\\settings.json', 'zed');
  expectCandidate(map, 'C:\\Users\\alice\\AppData\\Roaming\\Block\\goose\\config\\config.yaml', 'goose');
  expectCandidate(map, 'C:\\Users\\alice\\AppData\\Local\\crush\\crush.json', 'crush');
  expectCandidate(map, 'C:\\Users\\alice\\.config\\opencode\\opencode.json', 'opencode');
  expectCandidate(map, 'C:\\Users\\alice\\.mcp.json', 'visual-studio', { shape: 'vscode-servers' });
  assert.ok([...map.keys()].every((p) => !p.includes('/')), 'native separators');

  // Variable names are case-insensitive on Windows, and a real ProgramW6432 wins over the default.
  const custom = await byPath({ ...WIN32, env: { appdata: 'D:\\Roaming', programw6432: 'E:\\Programs', ProgramData: 'F:\\PD' } });
  expectCandidate(custom, 'D:\\Roaming\\Code\\User\\mcp.json', 'vscode');
  expectCandidate(custom, 'E:\\Programs\\ClaudeCode\\managed-mcp.json', 'claude-code');
  expectCandidate(custom, 'F:\\PD\\OpenAI\\Codex\\config.toml', 'codex');
});

test('wildcards expand through listDir: VS Code profiles, Gemini extensions, Codex profiles, agents, MSIX', async () => {
  const linux = await byPath(LINUX, fakeDirs({
    '/home/alice/.config/Code/User/profiles': ['-4a1b2c3d', '7f00aa11'],
    '/home/alice/.gemini/extensions': ['security', 'docs'],
    '/home/alice/.codex': ['config.toml', 'work.config.toml', 'notes.txt', 'history.jsonl'],
    '/home/alice/.kiro/agents': ['reviewer.json', 'README.md'],
    '/home/alice/.aws/amazonq/cli-agents': ['default.json'],
    '/home/alice/.continue/mcpServers': ['sqlite.yaml', 'claude.json', 'notes.txt'],
  }));
  expectCandidate(linux, '/home/alice/.config/Code/User/profiles/-4a1b2c3d/mcp.json', 'vscode');
  expectCandidate(linux, '/home/alice/.config/Code/User/profiles/7f00aa11/settings.json', 'vscode', { shape: 'vscode-settings' });
  expectCandidate(linux, '/home/alice/.gemini/extensions/security/gemini-extension.json', 'gemini', { shared: true });
  expectCandidate(linux, '/home/alice/.codex/work.config.toml', 'codex');
  expectCandidate(linux, '/home/alice/.kiro/agents/reviewer.json', 'kiro', { shared: true });
  expectCandidate(linux, '/home/alice/.aws/amazonq/cli-agents/default.json', 'amazonq');
  expectCandidate(linux, '/home/alice/.continue/mcpServers/sqlite.yaml', 'continue', { format: 'yaml', shape: 'continue' });
  expectCandidate(linux, '/home/alice/.continue/mcpServers/claude.json', 'continue', { format: 'json', shape: 'mcp-servers' });
  assert.equal(linux.has('/home/alice/.kiro/agents/README.md'), false);
  assert.equal([...linux.keys()].filter((p) => p.startsWith('/home/alice/.codex/')).length, 2);

  const win = await byPath(WIN32, fakeDirs({
    'C:\\Users\\alice\\AppData\\Local\\Packages': ['Claude_pzs8sxrjxfjjc', 'Microsoft.WindowsTerminal_8wekyb3d8bbwe'],
  }));
  expectCandidate(win, 'C:\\Users\\alice\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json', 'claude-desktop');
  assert.equal([...win.keys()].filter((p) => p.includes('Packages')).length, 1);

  // A failing listDir is treated as an empty folder.
  const failing = await userConfigCandidates(LINUX, async () => {
    throw new Error('EACCES');
  });
  assert.ok(failing.length > 20);
});

test('template language', () => {
  const env: DiscoveryEnv = { platform: 'linux', home: '/h', env: { SET: '/set' } };
  assert.equal(expandTemplate('~/a', env), '/h/a');
  assert.equal(expandTemplate('${SET}/x', env), '/set/x');
  assert.equal(expandTemplate('${UNSET}/x', env), undefined);
  assert.equal(expandTemplate('${UNSET?}/x', env), undefined);
  assert.equal(expandTemplate('${SET?}/x', env), '/set/x');
  assert.equal(expandTemplate('${UNSET:-~/.d}/x', env), '/h/.d/x');
  assert.equal(expandTemplate('${UNSET:-${SET}/in}/x', env), '/set/in/x');
  assert.equal(expandTemplate('${XDG_CONFIG_HOME}/x', env), '/h/.config/x');
  assert.equal(expandTemplate('%SET%/x', env), '/set/x');
  assert.equal(expandTemplate('a~b', env), 'a~b');
});

test('matchWorkspaceConfig: known files at any depth, decoys rejected', () => {
  const cases: Array<[string, ClientId | undefined, string?]> = [
    ['.vscode/mcp.json', 'vscode', 'vscode-servers'],
    ['packages/api/.vscode/mcp.json', 'vscode', 'vscode-servers'],
    ['.vscode/settings.json', 'vscode', 'vscode-settings'],
    ['app.code-workspace', 'vscode', 'code-workspace'],
    ['ws/team.code-workspace', 'vscode', 'code-workspace'],
    ['.devcontainer/devcontainer.json', 'vscode', 'devcontainer'],
    ['.devcontainer/python/devcontainer.json', 'vscode', 'devcontainer'],
    ['.devcontainer.json', 'vscode', 'devcontainer'],
    ['.mcp.json', 'claude-code', 'dot-mcp-json'],
    ['services/billing/.mcp.json', 'claude-code', 'dot-mcp-json'],
    ['packages/api/.cursor/mcp.json', 'cursor', 'mcp-servers'],
    ['.windsurf/mcp.json', 'windsurf', 'mcp-servers-serverurl'],
    ['.gemini/settings.json', 'gemini', 'mcp-servers-httpurl'],
    ['.gemini/extensions/lint/gemini-extension.json', 'gemini', 'mcp-servers-httpurl'],
    ['.codex/config.toml', 'codex', 'codex'],
    ['.zed/settings.json', 'zed', 'zed'],
    ['.continue/mcpServers/sqlite.yaml', 'continue', 'continue'],
    ['.continue/mcpServers/sqlite.yml', 'continue', 'continue'],
    ['.continue/mcpServers/claude.json', 'continue', 'mcp-servers'],
    ['.roo/mcp.json', 'roo', 'mcp-servers'],
    ['.kilocode/mcp.json', 'kilo', 'mcp-servers'],
    ['.amazonq/mcp.json', 'amazonq', 'mcp-servers'],
    ['.amazonq/cli-agents/dev.json', 'amazonq', 'mcp-servers'],
    ['.kiro/settings/mcp.json', 'kiro', 'mcp-servers'],
    ['opencode.json', 'opencode', 'opencode'],
    ['apps/web/opencode.jsonc', 'opencode', 'opencode'],
    ['.github/mcp.json', 'copilot-cli', 'dot-mcp-json'],
    ['.vs/mcp.json', 'visual-studio', 'vscode-servers'],
    ['.crush.json', 'crush', 'crush'],
    ['crush.json', 'crush', 'crush'],
    // decoys
    ['mcp.json', undefined],
    ['src/mcp.json', undefined],
    ['settings.json', undefined],
    ['.vscode/extensions.json', undefined],
    ['foo.vscode/mcp.json', undefined],
    ['.kiro/mcp.json', undefined],
    ['settings/mcp.json', undefined],
    ['.continue/config.yaml', undefined],
    ['.continue/mcpServers/nested/x.yaml', undefined],
    ['mcpServers/x.yaml', undefined],
    ['package.json', undefined],
    ['docs/.code-workspace.md', undefined],
    ['src/index.ts', undefined],
  ];
  for (const [rel, client, shape] of cases) {
    const match = matchWorkspaceConfig(rel);
    assert.equal(match?.client, client, rel);
    if (match) {
      assert.equal(match.shape, shape, rel);
      assert.equal(match.scope, 'workspace', rel);
      assert.equal('path' in match, false);
    }
  }
  const settings = matchWorkspaceConfig('.vscode/settings.json');
  assert.deepEqual(settings, { client: 'vscode', scope: 'workspace', format: 'jsonc', shape: 'vscode-settings', shared: true });
  assert.equal(matchWorkspaceConfig('.cursor/mcp.json')?.shared, false);
  assert.ok(WORKSPACE_CONFIG_BASENAMES.has('mcp.json') && WORKSPACE_CONFIG_BASENAMES.has('.mcp.json'));
  assert.equal(WORKSPACE_CONFIG_BASENAMES.has('index.ts'), false);
  for (const dir of ['.vscode', '.cursor', '.kiro', 'settings', '.continue', 'mcpServers', '.devcontainer', 'cli-agents']) {
    assert.ok(WORKSPACE_CONFIG_DIRS.has(dir), dir);
  }
});

test('matchWorkspaceConfig is fast enough for a 50,000-file walk', () => {
  const files: string[] = [];
  for (let i = 0; i < 50_000; i++) {
    const kind = i % 5;
    files.push(kind === 0 ? `pkg${i}/src/file${i}.ts` : kind === 1 ? `pkg${i}/package.json` : kind === 2 ? `pkg${i}/.vscode/settings.json` : kind === 3 ? `pkg${i}/data/${i}.json` : `pkg${i}/README.md`);
  }
  const started = performance.now();
  let matched = 0;
  for (const file of files) if (matchWorkspaceConfig(file)) matched++;
  const elapsed = performance.now() - started;
  assert.equal(matched, 10_000);
  assert.ok(elapsed < 500, `${elapsed.toFixed(1)} ms`);
});
