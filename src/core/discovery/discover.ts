/**
 * Discovery: one walk of a workspace folder, then every client config and every MCP server
 * project in it, plus (optionally) the user-level and managed client configs of this machine.
 */
import { isUtf8 } from 'node:buffer';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ClientConfig, DiscoveryResult, FileProblem } from '../model';
import { readTextFile } from '../util/readText';
import { walkTree, type WalkedFile } from './walk';
import { isEnvFile } from './envFiles';
import {
  matchWorkspaceConfig,
  parseClientConfig,
  WORKSPACE_CONFIG_DIRS,
  userConfigCandidates,
  type ConfigCandidate,
  type DiscoveryEnv,
} from './clients';
import { analyzeProjects, isProjectManifest } from '../projects';

export interface DiscoverOptions {
  /** The folder to scan (absolute). */
  root: string;
  /** Also read the user-level and managed configs of the machine described by `env`. */
  includeUser?: boolean;
  env?: DiscoveryEnv;
  /** Extra gitignore-style patterns. */
  exclude?: readonly string[];
  /** Source and manifest files over this size are skipped with a note. Default 1 MiB. */
  maxFileBytes?: number;
  /** Enter dependency and build folders and disregard .gitignore (walk.ts `noIgnore`). */
  noIgnore?: boolean;
  /** Also return every file the walk kept (`files`): `scan --all-files` reads them all. */
  listFiles?: boolean;
}

/** Client configs live at known paths and can be large (~/.claude.json holds history). */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export async function discover(options: DiscoverOptions): Promise<DiscoveryResult> {
  const root = path.resolve(options.root);
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
  const walk = await walkTree(root, {
    exclude: options.exclude,
    noIgnore: options.noIgnore,
    // A gitignored client config still holds whatever keys are in it.
    keepIgnored: (rel, isDirectory) =>
      isDirectory ? mayHoldWorkspaceConfig(rel) : matchWorkspaceConfig(rel) !== undefined || isEnvFile(rel),
    wanted: (rel) => matchWorkspaceConfig(rel) !== undefined || isEnvFile(rel),
  });
  const problems: FileProblem[] = [...walk.problems];

  const configFiles: Array<{ file: WalkedFile; candidate: ConfigCandidate }> = [];
  const projectFiles: string[] = [];
  const analysisFiles: string[] = [];
  const envFiles: DiscoveryResult['envFiles'] = [];
  for (const file of walk.files) {
    const match = matchWorkspaceConfig(file.rel);
    if (match) configFiles.push({ file, candidate: { ...match, path: file.path } });
    if (isEnvFile(file.rel)) envFiles.push({ path: file.path, gitignored: file.gitignored });
    if (file.gitignored) continue;
    projectFiles.push(file.path);
    if (isSourceOrManifest(file.rel)) analysisFiles.push(file.path);
  }

  const readForProjects = async (file: string): Promise<string | undefined> => {
    const result = await readTextFile(file, maxFileBytes);
    if ('problem' in result) {
      problems.push(result.problem);
      return undefined;
    }
    const encoding = await utf8Problem(file, result.text);
    if (encoding) problems.push(encoding);
    return result.text;
  };

  const [workspaceConfigs, userConfigs, projects] = await Promise.all([
    Promise.all(configFiles.map(({ candidate }) => readConfig(candidate, problems))),
    options.includeUser && options.env ? readUserConfigs(options.env, problems) : Promise.resolve([]),
    analyzeProjects({ root, files: analysisFiles, readFile: readForProjects }),
  ]);
  problems.push(...projects.problems);

  const configs = [...workspaceConfigs, ...userConfigs].filter((c): c is ClientConfig => c !== undefined);
  return {
    root,
    servers: projects.servers.sort((a, b) => a.root.localeCompare(b.root)),
    configs,
    envFiles,
    problems,
    ...(options.listFiles ? { files: projectFiles } : {}),
  };
}

export { isEnvFile } from './envFiles';

/**
 * A gitignored folder is entered (collecting config files only) when it is, or is inside, a
 * folder named in some workspace config path (`.vscode`, `.gemini/extensions/<name>`...).
 */
function mayHoldWorkspaceConfig(rel: string): boolean {
  return rel.split('/').some((segment) => WORKSPACE_CONFIG_DIRS.has(segment));
}

const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.py', '.go',
]);

/** `rel`: the walk's root-relative posix path. */
function isSourceOrManifest(rel: string): boolean {
  if (SOURCE_EXTENSIONS.has(path.posix.extname(rel))) return !rel.endsWith('.d.ts') && !rel.endsWith('.min.js');
  return isProjectManifest(rel);
}

/** Parsed configs per path for the exact text and reading (discovery re-runs on every change). */
const PARSED = new Map<string, { text: string; config: ClientConfig }>();

function parseCached(text: string, candidate: ConfigCandidate): ClientConfig {
  const key = `${candidate.path}\u0000${candidate.client}\u0000${candidate.shape}\u0000${candidate.scope}`;
  const cached = PARSED.get(key);
  if (cached && cached.text === text) return cached.config;
  const config = parseClientConfig(text, candidate);
  if (PARSED.size >= 5_000) PARSED.clear();
  PARSED.set(key, { text, config });
  return config;
}

async function readConfig(candidate: ConfigCandidate, problems: FileProblem[]): Promise<ClientConfig | undefined> {
  const result = await readTextFile(candidate.path, MAX_CONFIG_BYTES);
  if ('problem' in result) {
    problems.push(result.problem);
    return undefined;
  }
  const encoding = await utf8Problem(candidate.path, result.text);
  if (encoding) problems.push(encoding);
  const config = parseCached(result.text, candidate);
  // Shared settings files only count when they actually configure MCP servers.
  if (candidate.shared && config.servers.length === 0 && config.problems.length === 0) return undefined;
  return config;
}

async function readUserConfigs(env: DiscoveryEnv, problems: FileProblem[]): Promise<Array<ClientConfig | undefined>> {
  const candidates = await userConfigCandidates(env, listDir);
  const existing = await Promise.all(
    candidates.map(async (candidate) => ((await isFile(candidate.path)) ? candidate : undefined)),
  );
  return Promise.all(
    existing.filter((c): c is ConfigCandidate => c !== undefined).map((c) => readConfig(c, problems)),
  );
}

/** The user-level and managed client configs of the machine described by `env`. */
export async function discoverUserConfigs(env: DiscoveryEnv): Promise<{ configs: ClientConfig[]; problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  const configs = (await readUserConfigs(env, problems)).filter((c): c is ClientConfig => c !== undefined);
  return { configs, problems };
}

/**
 * A note when a file read as text was not valid UTF-8 (its invalid bytes became U+FFFD), so the
 * user knows why odd characters show up and that a rewrite of the file would change them.
 */
export async function utf8Problem(file: string, text: string): Promise<FileProblem | undefined> {
  if (!text.includes('\uFFFD')) return undefined;
  try {
    if (isUtf8(await fs.readFile(file))) return undefined;
  } catch {
    return undefined;
  }
  return { file, severity: 'note', message: 'Not valid UTF-8: invalid bytes were read as U+FFFD (\uFFFD)' };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
