/**
 * Every MCP client we know, as data: where its config files live (per OS, per workspace)
 * and which format and shape each one has. Sources: research/scanners.md §6.
 *
 * User-level locations are path templates:
 *   `~`                  the home directory passed in `DiscoveryEnv`
 *   `${NAME}`, `%NAME%`  an environment variable, else its default below (no default: skipped)
 *   `${NAME:-alt}`       the variable, else `alt` (itself a template)
 *   `${NAME?}`           only when the variable is set; otherwise the template is skipped
 *   `*`                  a wildcard inside one path segment, expanded with the injected `listDir`
 * Templates use `/`; results use the target platform's separators.
 */
import * as nodePath from 'node:path';
import type { ClientId, ConfigFormat } from '../model';
import type { ConfigCandidate, ConfigShape } from './configParse';

export { parseClientConfig, type ConfigCandidate, type ConfigShape } from './configParse';

export type Platform = 'linux' | 'darwin' | 'win32';

export interface DiscoveryEnv {
  platform: Platform;
  home: string;
  env: Record<string, string | undefined>;
}

export interface UserConfigSpec {
  scope: 'user' | 'managed';
  /** Templates per OS; an OS without an entry has no such file. */
  paths: Partial<Record<Platform, readonly string[]>>;
  format: ConfigFormat;
  shape: ConfigShape;
  shared: boolean;
}

export interface WorkspaceConfigSpec {
  /** Relative to any folder of the workspace, POSIX separators; `*` matches within one segment. */
  path: string;
  format: ConfigFormat;
  shape: ConfigShape;
  shared: boolean;
}

export interface ClientSpec {
  id: ClientId;
  label: string;
  user: readonly UserConfigSpec[];
  workspace: readonly WorkspaceConfigSpec[];
}

// ---------------------------------------------------------------------------------------------
// Table builders

interface SpecOptions {
  shared?: boolean;
  scope?: 'user' | 'managed';
}

function user(paths: UserConfigSpec['paths'], format: ConfigFormat, shape: ConfigShape, options: SpecOptions = {}): UserConfigSpec {
  return { scope: options.scope ?? 'user', paths, format, shape, shared: options.shared ?? false };
}

function managed(paths: UserConfigSpec['paths'], format: ConfigFormat, shape: ConfigShape, options: SpecOptions = {}): UserConfigSpec {
  return user(paths, format, shape, { ...options, scope: 'managed' });
}

function workspace(path: string, format: ConfigFormat, shape: ConfigShape, options: SpecOptions = {}): WorkspaceConfigSpec {
  return { path, format, shape, shared: options.shared ?? false };
}

/** The same templates on every OS. */
function everywhere(...templates: string[]): UserConfigSpec['paths'] {
  return { linux: templates, darwin: templates, win32: templates };
}

/** A file under the `User` folder of VS Code-family editors' user data, per OS. */
function userData(apps: readonly string[], rel: string): UserConfigSpec['paths'] {
  return {
    linux: apps.map((app) => `\${XDG_CONFIG_HOME}/${app}/User/${rel}`),
    darwin: apps.map((app) => `~/Library/Application Support/${app}/User/${rel}`),
    win32: apps.map((app) => `%APPDATA%/${app}/User/${rel}`),
  };
}

const VSCODE_APPS = ['Code', 'Code - Insiders', 'VSCodium'];
/** Editors in which the Cline family of extensions keeps its global storage. */
const EXTENSION_HOSTS = [...VSCODE_APPS, 'Cursor', 'Windsurf'];
const SHARED = { shared: true };

// ---------------------------------------------------------------------------------------------
// The table

export const CLIENTS: readonly ClientSpec[] = [
  {
    id: 'vscode',
    label: 'VS Code',
    user: [
      user(userData(VSCODE_APPS, 'mcp.json'), 'jsonc', 'vscode-servers'),
      user(userData(VSCODE_APPS, 'profiles/*/mcp.json'), 'jsonc', 'vscode-servers'),
      user(userData(VSCODE_APPS, 'settings.json'), 'jsonc', 'vscode-settings', SHARED),
      user(userData(VSCODE_APPS, 'profiles/*/settings.json'), 'jsonc', 'vscode-settings', SHARED),
      user(everywhere('${VSCODE_PORTABLE?}/user-data/User/mcp.json'), 'jsonc', 'vscode-servers'),
      user(everywhere('${VSCODE_PORTABLE?}/user-data/User/settings.json'), 'jsonc', 'vscode-settings', SHARED),
      // Not a documented location, but several scanners look there and people do put files there.
      user(everywhere('~/.vscode/mcp.json'), 'jsonc', 'vscode-servers'),
    ],
    workspace: [
      workspace('.vscode/mcp.json', 'jsonc', 'vscode-servers'),
      workspace('.vscode/settings.json', 'jsonc', 'vscode-settings', SHARED),
      workspace('*.code-workspace', 'jsonc', 'code-workspace', SHARED),
      workspace('.devcontainer/devcontainer.json', 'jsonc', 'devcontainer', SHARED),
      workspace('.devcontainer/*/devcontainer.json', 'jsonc', 'devcontainer', SHARED),
      workspace('.devcontainer.json', 'jsonc', 'devcontainer', SHARED),
    ],
  },
  {
    id: 'claude-desktop',
    label: 'Claude Desktop',
    user: [
      // The file also holds app preferences, so it exists on machines without MCP servers.
      user({
        linux: ['${XDG_CONFIG_HOME}/Claude/claude_desktop_config.json'],
        darwin: ['~/Library/Application Support/Claude/claude_desktop_config.json'],
        win32: [
          '%APPDATA%/Claude/claude_desktop_config.json',
          // The Microsoft Store (MSIX) build is redirected into its package folder.
          '%LOCALAPPDATA%/Packages/Claude_*/LocalCache/Roaming/Claude/claude_desktop_config.json',
        ],
      }, 'json', 'mcp-servers', SHARED),
    ],
    workspace: [],
  },
  {
    id: 'claude-code',
    label: 'Claude Code',
    user: [
      // CLAUDE_CONFIG_DIR moves ~/.claude.json into that folder as well.
      user(everywhere('${CLAUDE_CONFIG_DIR:-~}/.claude.json'), 'json', 'claude-json', SHARED),
      managed({
        linux: ['/etc/claude-code/managed-mcp.json'],
        darwin: ['/Library/Application Support/ClaudeCode/managed-mcp.json'],
        win32: ['%ProgramW6432%/ClaudeCode/managed-mcp.json'],
      }, 'json', 'mcp-servers'),
    ],
    // VS Code, Cursor and Windsurf read a workspace .mcp.json too; it is Claude Code's format.
    workspace: [workspace('.mcp.json', 'json', 'dot-mcp-json')],
  },
  {
    id: 'cursor',
    label: 'Cursor',
    user: [user(everywhere('~/.cursor/mcp.json'), 'json', 'mcp-servers')],
    workspace: [workspace('.cursor/mcp.json', 'json', 'mcp-servers')],
  },
  {
    id: 'windsurf',
    label: 'Windsurf',
    user: [user(everywhere('~/.codeium/windsurf/mcp_config.json'), 'json', 'mcp-servers-serverurl')],
    workspace: [workspace('.windsurf/mcp.json', 'json', 'mcp-servers-serverurl')],
  },
  {
    id: 'gemini',
    label: 'Gemini CLI',
    user: [
      user(everywhere('~/.gemini/settings.json'), 'json', 'mcp-servers-httpurl', SHARED),
      user(everywhere('~/.gemini/extensions/*/gemini-extension.json'), 'json', 'mcp-servers-httpurl', SHARED),
      managed({
        linux: ['${GEMINI_CLI_SYSTEM_SETTINGS_PATH:-/etc/gemini-cli/settings.json}'],
        darwin: ['${GEMINI_CLI_SYSTEM_SETTINGS_PATH:-/Library/Application Support/GeminiCli/settings.json}'],
        win32: ['${GEMINI_CLI_SYSTEM_SETTINGS_PATH:-%PROGRAMDATA%/gemini-cli/settings.json}'],
      }, 'json', 'mcp-servers-httpurl', SHARED),
    ],
    workspace: [
      workspace('.gemini/settings.json', 'json', 'mcp-servers-httpurl', SHARED),
      workspace('.gemini/extensions/*/gemini-extension.json', 'json', 'mcp-servers-httpurl', SHARED),
    ],
  },
  {
    id: 'codex',
    label: 'Codex',
    user: [
      user(everywhere('${CODEX_HOME}/config.toml'), 'toml', 'codex', SHARED),
      // Profile overlays selected with `--profile <name>`.
      user(everywhere('${CODEX_HOME}/*.config.toml'), 'toml', 'codex', SHARED),
      managed({
        linux: ['/etc/codex/config.toml'],
        darwin: ['/etc/codex/config.toml'],
        win32: ['%PROGRAMDATA%/OpenAI/Codex/config.toml'],
      }, 'toml', 'codex', SHARED),
    ],
    workspace: [workspace('.codex/config.toml', 'toml', 'codex', SHARED)],
  },
  {
    id: 'zed',
    label: 'Zed',
    user: [
      user({
        linux: ['${XDG_CONFIG_HOME}/zed/settings.json'],
        darwin: ['~/.config/zed/settings.json'],
        win32: ['%APPDATA%/Zed/settings.json'],
      }, 'jsonc', 'zed', SHARED),
    ],
    workspace: [workspace('.zed/settings.json', 'jsonc', 'zed', SHARED)],
  },
  {
    id: 'continue',
    label: 'Continue',
    user: [
      user(everywhere('${CONTINUE_GLOBAL_DIR:-~/.continue}/config.yaml'), 'yaml', 'continue', SHARED),
      user(everywhere('${CONTINUE_GLOBAL_DIR:-~/.continue}/mcpServers/*.yaml', '${CONTINUE_GLOBAL_DIR:-~/.continue}/mcpServers/*.yml'), 'yaml', 'continue'),
      user(everywhere('${CONTINUE_GLOBAL_DIR:-~/.continue}/mcpServers/*.json'), 'json', 'mcp-servers'),
    ],
    workspace: [
      workspace('.continue/mcpServers/*.yaml', 'yaml', 'continue'),
      workspace('.continue/mcpServers/*.yml', 'yaml', 'continue'),
      // Claude, Cursor and Cline JSON files dropped into the folder are loaded as they are.
      workspace('.continue/mcpServers/*.json', 'json', 'mcp-servers'),
    ],
  },
  {
    id: 'cline',
    label: 'Cline',
    user: [
      user(userData(EXTENSION_HOSTS, 'globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json'), 'json', 'mcp-servers'),
      user(everywhere('${CLINE_MCP_SETTINGS_PATH:-~/.cline/data/settings/cline_mcp_settings.json}'), 'json', 'mcp-servers'),
    ],
    workspace: [],
  },
  {
    id: 'roo',
    label: 'Roo Code',
    user: [user(userData(EXTENSION_HOSTS, 'globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json'), 'json', 'mcp-servers')],
    workspace: [workspace('.roo/mcp.json', 'json', 'mcp-servers')],
  },
  {
    id: 'kilo',
    label: 'Kilo Code',
    user: [
      user(userData(EXTENSION_HOSTS, 'globalStorage/kilocode.kilo-code/settings/mcp_settings.json'), 'json', 'mcp-servers'),
      user(everywhere('~/.kilocode/cli/global/settings/mcp_settings.json'), 'json', 'mcp-servers'),
    ],
    workspace: [workspace('.kilocode/mcp.json', 'json', 'mcp-servers')],
  },
  {
    id: 'amazonq',
    label: 'Amazon Q Developer',
    user: [
      user(everywhere('~/.aws/amazonq/mcp.json'), 'json', 'mcp-servers'),
      // Agent definitions carry an `mcpServers` field among much else.
      user(everywhere('~/.aws/amazonq/cli-agents/*.json', '~/.aws/amazonq/agents/*.json'), 'json', 'mcp-servers', SHARED),
    ],
    workspace: [
      workspace('.amazonq/mcp.json', 'json', 'mcp-servers'),
      workspace('.amazonq/cli-agents/*.json', 'json', 'mcp-servers', SHARED),
    ],
  },
  {
    id: 'kiro',
    label: 'Kiro',
    user: [
      user(everywhere('~/.kiro/settings/mcp.json'), 'json', 'mcp-servers'),
      user(everywhere('~/.kiro/agents/*.json'), 'json', 'mcp-servers', SHARED),
    ],
    workspace: [workspace('.kiro/settings/mcp.json', 'json', 'mcp-servers')],
  },
  {
    id: 'opencode',
    label: 'opencode',
    user: [
      // opencode follows XDG on every OS, Windows included.
      user(everywhere(
        '${XDG_CONFIG_HOME}/opencode/opencode.json', '${XDG_CONFIG_HOME}/opencode/opencode.jsonc',
        '${OPENCODE_CONFIG_DIR?}/opencode.json', '${OPENCODE_CONFIG_DIR?}/opencode.jsonc',
        '~/.opencode/opencode.json', '~/.opencode/opencode.jsonc',
        '${OPENCODE_CONFIG?}',
      ), 'jsonc', 'opencode', SHARED),
      managed({
        linux: ['/etc/opencode/opencode.json', '/etc/opencode/opencode.jsonc'],
        darwin: ['/Library/Application Support/opencode/opencode.json', '/Library/Application Support/opencode/opencode.jsonc'],
        win32: ['%PROGRAMDATA%/opencode/opencode.json', '%PROGRAMDATA%/opencode/opencode.jsonc'],
      }, 'jsonc', 'opencode', SHARED),
    ],
    workspace: [
      workspace('opencode.json', 'jsonc', 'opencode', SHARED),
      workspace('opencode.jsonc', 'jsonc', 'opencode', SHARED),
    ],
  },
  {
    id: 'goose',
    label: 'Goose',
    user: [
      user({
        linux: ['${XDG_CONFIG_HOME}/goose/config.yaml'],
        darwin: ['${XDG_CONFIG_HOME}/goose/config.yaml'],
        win32: ['%APPDATA%/Block/goose/config/config.yaml'],
      }, 'yaml', 'goose', SHARED),
    ],
    workspace: [],
  },
  {
    id: 'copilot-cli',
    label: 'GitHub Copilot CLI',
    user: [user(everywhere('~/.copilot/mcp-config.json', '${XDG_CONFIG_HOME?}/.copilot/mcp-config.json'), 'json', 'mcp-servers')],
    // Third-party reports only; the format is the `.mcp.json` one.
    workspace: [workspace('.github/mcp.json', 'json', 'dot-mcp-json')],
  },
  {
    id: 'visual-studio',
    label: 'Visual Studio',
    user: [user({ win32: ['~/.mcp.json'] }, 'jsonc', 'vscode-servers')],
    // A solution-level .mcp.json is claimed by Claude Code above (its shape also reads `servers`).
    workspace: [workspace('.vs/mcp.json', 'jsonc', 'vscode-servers')],
  },
  {
    id: 'antigravity',
    label: 'Antigravity',
    user: [user(everywhere('~/.gemini/antigravity/mcp_config.json', '~/.gemini/config/mcp_config.json'), 'json', 'mcp-servers-serverurl')],
    workspace: [],
  },
  {
    id: 'lmstudio',
    label: 'LM Studio',
    user: [user(everywhere('~/.lmstudio/mcp.json', '~/.cache/lm-studio/mcp.json'), 'json', 'mcp-servers')],
    workspace: [],
  },
  {
    id: 'crush',
    label: 'Crush',
    user: [
      user({
        linux: ['${XDG_CONFIG_HOME}/crush/crush.json'],
        darwin: ['${XDG_CONFIG_HOME}/crush/crush.json'],
        win32: ['%LOCALAPPDATA%/crush/crush.json'],
      }, 'json', 'crush', SHARED),
    ],
    workspace: [workspace('.crush.json', 'json', 'crush', SHARED), workspace('crush.json', 'json', 'crush', SHARED)],
  },
];

const LABELS: ReadonlyMap<string, string> = new Map(CLIENTS.map((c) => [c.id, c.label]));

/** The human name of a client ("Claude Code"); an unknown id comes back as it is. */
export function clientLabel(id: ClientId | string): string {
  return LABELS.get(id) ?? id;
}

// ---------------------------------------------------------------------------------------------
// User-level candidates

/** Variables with a well-known default when unset. */
const VARIABLE_DEFAULTS: Record<string, Partial<Record<Platform, string>>> = {
  XDG_CONFIG_HOME: { linux: '~/.config', darwin: '~/.config', win32: '~/.config' },
  APPDATA: { win32: '~/AppData/Roaming' },
  LOCALAPPDATA: { win32: '~/AppData/Local' },
  USERPROFILE: { win32: '~' },
  PROGRAMDATA: { win32: 'C:/ProgramData' },
  ProgramW6432: { win32: 'C:/Program Files' },
  CODEX_HOME: { linux: '~/.codex', darwin: '~/.codex', win32: '~/.codex' },
};

/**
 * Every user-level and managed config path to probe on the machine `denv` describes, in table
 * order, without duplicates. Existence is the caller's business; `listDir` expands wildcards
 * and should return [] for a folder that does not exist.
 */
export async function userConfigCandidates(
  denv: DiscoveryEnv,
  listDir: (dir: string) => Promise<string[]>,
): Promise<ConfigCandidate[]> {
  const seen = new Set<string>();
  const out: ConfigCandidate[] = [];
  // Several templates glob the same folder (Code's profiles/ for mcp.json and settings.json).
  const listings = new Map<string, Promise<string[]>>();
  const cachedListDir = (dir: string): Promise<string[]> => {
    let listing = listings.get(dir);
    if (!listing) listings.set(dir, (listing = listDir(dir).catch(() => [])));
    return listing;
  };
  for (const client of CLIENTS) {
    for (const spec of client.user) {
      for (const template of spec.paths[denv.platform] ?? []) {
        const expanded = expandTemplate(template, denv);
        if (expanded === undefined) continue;
        for (const path of await expandWildcards(expanded, denv.platform, cachedListDir)) {
          // Windows paths are case-insensitive.
          const key = denv.platform === 'win32' ? path.toLowerCase() : path;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ path, client: client.id, scope: spec.scope, format: spec.format, shape: spec.shape, shared: spec.shared });
        }
      }
    }
  }
  return out;
}

/** Substitutes `~` and variables; undefined when a variable without default is unset. */
export function expandTemplate(template: string, denv: DiscoveryEnv): string | undefined {
  let out = '';
  let i = 0;
  if (template === '~' || template.startsWith('~/')) {
    out = denv.home;
    i = 1;
  }
  while (i < template.length) {
    const ch = template[i];
    if (ch === '$' && template[i + 1] === '{') {
      const close = findClosingBrace(template, i + 2);
      if (close < 0) return undefined;
      const value = expandVariable(template.slice(i + 2, close), denv);
      if (value === undefined) return undefined;
      out += value;
      i = close + 1;
    } else if (ch === '%' && template.indexOf('%', i + 1) > i + 1) {
      const close = template.indexOf('%', i + 1);
      const value = expandVariable(template.slice(i + 1, close), denv);
      if (value === undefined) return undefined;
      out += value;
      i = close + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function findClosingBrace(template: string, from: number): number {
  let depth = 1;
  for (let i = from; i < template.length; i++) {
    if (template[i] === '{') depth++;
    else if (template[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `NAME`, `NAME?` or `NAME:-alternative`. */
function expandVariable(body: string, denv: DiscoveryEnv): string | undefined {
  const dash = body.indexOf(':-');
  const required = body.endsWith('?');
  const name = dash >= 0 ? body.slice(0, dash) : required ? body.slice(0, -1) : body;
  const value = readVariable(name, denv);
  if (value !== undefined) return value;
  if (dash >= 0) return expandTemplate(body.slice(dash + 2), denv);
  if (required) return undefined;
  const fallback = VARIABLE_DEFAULTS[name]?.[denv.platform];
  return fallback === undefined ? undefined : expandTemplate(fallback, denv);
}

/** An empty variable counts as unset; Windows variable names are case-insensitive. */
function readVariable(name: string, denv: DiscoveryEnv): string | undefined {
  let value = denv.env[name];
  if (value === undefined && denv.platform === 'win32') {
    const upper = name.toUpperCase();
    for (const [key, candidate] of Object.entries(denv.env)) {
      if (key.toUpperCase() === upper) {
        value = candidate;
        break;
      }
    }
  }
  return value === undefined || value === '' ? undefined : value;
}

async function expandWildcards(path: string, platform: Platform, listDir: (dir: string) => Promise<string[]>): Promise<string[]> {
  const api = platform === 'win32' ? nodePath.win32 : nodePath.posix;
  const normalised = api.normalize(path);
  if (!normalised.includes('*')) return [normalised];
  const segments = normalised.split(api.sep);
  const index = segments.findIndex((segment) => segment.includes('*'));
  const dir = segments.slice(0, index).join(api.sep) || api.sep;
  const rest = segments.slice(index + 1);
  const names = (await listDir(dir)).filter((name) => wildcardMatch(segments[index], name, platform === 'win32')).sort();
  const results: string[] = [];
  for (const name of names) {
    results.push(...(await expandWildcards(api.join(dir, name, ...rest), platform, listDir)));
  }
  return results;
}

/** `*` matches any run of characters within one name. */
function wildcardMatch(pattern: string, name: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const n = ignoreCase ? name.toLowerCase() : name;
  const parts = p.split('*');
  if (!n.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = n.indexOf(parts[i], at);
    if (found < 0) return false;
    at = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return parts.length === 1 ? n === p : n.length - at >= last.length && n.endsWith(last);
}

// ---------------------------------------------------------------------------------------------
// Workspace matching (called for every file of a walk, so indexed by file name)

interface WorkspacePattern {
  segments: string[];
  candidate: Omit<ConfigCandidate, 'path'>;
}

const BY_BASENAME = new Map<string, WorkspacePattern[]>();
/** Patterns whose file name has a wildcard (`*.code-workspace`), by the name's last extension. */
const BY_EXTENSION = new Map<string, WorkspacePattern[]>();

for (const client of CLIENTS) {
  for (const spec of client.workspace) {
    const segments = spec.path.split('/');
    const pattern: WorkspacePattern = {
      segments,
      candidate: { client: client.id, scope: 'workspace', format: spec.format, shape: spec.shape, shared: spec.shared },
    };
    const base = segments[segments.length - 1];
    const [map, key] = base.includes('*') ? [BY_EXTENSION, extensionOf(base)] : [BY_BASENAME, base];
    map.set(key, [...(map.get(key) ?? []), pattern]);
  }
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

/** File names that may be a workspace client config (the walker can pre-filter with it). */
export const WORKSPACE_CONFIG_BASENAMES: ReadonlySet<string> = new Set(BY_BASENAME.keys());

/** Literal folder names in workspace config paths (`.vscode`, `settings`, `mcpServers`...). */
export const WORKSPACE_CONFIG_DIRS: ReadonlySet<string> = new Set(
  CLIENTS.flatMap((c) => c.workspace.flatMap((w) => w.path.split('/').slice(0, -1).filter((s) => !s.includes('*')))),
);

/**
 * Whether a file, given relative to a scanned root with POSIX separators (nesting allowed:
 * `packages/api/.cursor/mcp.json`), is a workspace-level client config, and which.
 */
export function matchWorkspaceConfig(relPosixPath: string): Omit<ConfigCandidate, 'path'> | undefined {
  const base = relPosixPath.slice(relPosixPath.lastIndexOf('/') + 1);
  const literal = BY_BASENAME.get(base);
  const wildcard = BY_EXTENSION.get(extensionOf(base));
  if (!literal && !wildcard) return undefined;
  const segments = relPosixPath.split('/');
  for (const pattern of [...(literal ?? []), ...(wildcard ?? [])]) {
    if (endsWithPattern(segments, pattern.segments)) return { ...pattern.candidate };
  }
  return undefined;
}

function endsWithPattern(segments: string[], pattern: string[]): boolean {
  if (segments.length < pattern.length) return false;
  const offset = segments.length - pattern.length;
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i];
    const actual = segments[offset + i];
    if (expected.includes('*') ? !wildcardMatch(expected, actual) : expected !== actual) return false;
  }
  return true;
}
