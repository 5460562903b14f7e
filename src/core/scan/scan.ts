/**
 * `scan`: every finding in a workspace — plaintext secrets in client configs, dotenv files
 * and server source; malformed configs — after suppressions and project settings, with git
 * exposure of each secret. And the same for one open document, for live diagnostics.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ClientConfig, DiscoveryResult, FileProblem, Finding, SourceRange } from '../model';
import { discover, utf8Problem } from '../discovery/discover';
import type { ConfigCandidate, DiscoveryEnv } from '../discovery/clients';
import { parseClientConfigTree } from '../discovery/configParse';
import { LineStarts } from '../util/positions';
import { configDocState, updateConfigDoc, type ConfigDocState } from './incremental';
import { RULES_BY_ID } from '../rules';
import { applySuppressions } from '../suppress';
import { readTextFile } from '../util/readText';
import {
  DEFAULT_PROJECT_SETTINGS,
  PROJECT_SETTINGS_FILE,
  parseProjectSettings,
  type ProjectSettings,
} from '../settings/projectSettings';
import { REMEDY, findSecretsInConfig, findSecretsInServer, findSecretsInText, findingFingerprint, type SecretHit } from './secretFindings';
import { gitExposure, type GitExposureOptions } from './gitExposure';
import { sweepFiles } from './sweep';
import { lintAuthorization, type ToolVerdict } from '../authz';

export interface ScanOptions {
  root: string;
  includeUser?: boolean;
  env?: DiscoveryEnv;
  exclude?: readonly string[];
  maxFileBytes?: number;
  /** Check whether secrets are tracked by / committed to git. Default: on. */
  git?: false | GitExposureOptions;
  /** Also read every other file the walk keeps for secrets (sweep.ts). */
  allFiles?: boolean;
  /** Enter dependency and build folders and disregard .gitignore (walk.ts `noIgnore`). */
  noIgnore?: boolean;
}

export interface ScanResult {
  root: string;
  discovery: DiscoveryResult;
  /** What stands, sorted by file and position. */
  findings: Finding[];
  /** What an `mcp-secure-ignore` comment with a reason silenced. */
  suppressed: Finding[];
  problems: FileProblem[];
  settings: ProjectSettings;
  /** Per tool: protected / unprotected / unknown, from the authorization lint. */
  verdicts: ToolVerdict[];
  /** With --all-files: how many other files were read for secrets, and their bytes. */
  sweep?: { files: number; bytes: number };
}

const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** The candidate a parsed config was read as: to re-parse its text as the user types. */
export function candidateOf(config: ClientConfig): ConfigCandidate {
  return { path: config.path, client: config.client, scope: config.scope, format: config.format, shape: config.shape as ConfigCandidate['shape'], shared: config.shared };
}

/** What kind of file a document is, for {@link scanDocument}. */
export type DocumentKind =
  | { type: 'config'; candidate: ConfigCandidate }
  | { type: 'dotenv'; gitignored: boolean }
  | { type: 'source' };

export async function loadProjectSettings(root: string): Promise<{ settings: ProjectSettings; problems: FileProblem[] }> {
  const file = path.join(root, PROJECT_SETTINGS_FILE);
  // Opening a FIFO for reading blocks until a writer comes: look before reading.
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return { settings: DEFAULT_PROJECT_SETTINGS, problems: [] };
  if (!stat.isFile()) {
    return { settings: DEFAULT_PROJECT_SETTINGS, problems: [{ file, severity: 'note', message: 'Not a regular file; skipped' }] };
  }
  const read = await readTextFile(file, 1024 * 1024);
  if ('problem' in read) {
    // A missing file is the common case and not worth a note.
    return { settings: DEFAULT_PROJECT_SETTINGS, problems: /ENOENT/.test(read.problem.message) ? [] : [read.problem] };
  }
  return parseProjectSettings(read.text, file);
}

/** Malformed-config problems as MCPS301 findings. */
export function configProblemFindings(config: ClientConfig, root: string): Finding[] {
  return config.problems
    .filter((p) => p.severity === 'error')
    .map((problem, index) => {
      const start = problem.range?.start ?? { line: 1, column: 1, offset: 0 };
      const range: SourceRange = problem.range ?? { start, end: start };
      return {
        ruleId: 'MCPS301',
        category: 'config',
        severity: 'error',
        file: config.path,
        range,
        message: `${problem.message} — this ${config.format.toUpperCase()} file cannot be read by its client`,
        fingerprint: findingFingerprint('MCPS301', root, config.path, String(index), config.client),
      } satisfies Finding;
    });
}

/** Severity overrides from .mcp-secure.json; 'off' removes the finding. */
function applySeverity(findings: readonly Finding[], settings: ProjectSettings): Finding[] {
  const out: Finding[] = [];
  for (const finding of findings) {
    const override = settings.severity[finding.ruleId];
    if (override === 'off') continue;
    out.push(override ? { ...finding, severity: override } : finding);
  }
  return out;
}

/**
 * The last scan of each open config document, for incremental re-scans (incremental.ts). A
 * few documents only: the one being typed in is the one that matters.
 */
const CONFIG_DOCS = new Map<string, { key: string; state: ConfigDocState }>();
const CONFIG_DOCS_LIMIT = 8;

/** Drops what scanDocument keeps about a document (call when it closes). */
export function forgetDocument(file: string): void {
  CONFIG_DOCS.delete(file);
}

function configDocumentFindings(file: string, text: string, candidate: ConfigCandidate, root: string, incremental: boolean): { raw: Finding[]; incremental: boolean } {
  const key = JSON.stringify([candidate, root]);
  const known = incremental ? CONFIG_DOCS.get(file) : undefined;
  if (known && known.key === key) {
    const next = updateConfigDoc(known.state, text, root);
    if (next) {
      CONFIG_DOCS.set(file, { key, state: next });
      // No problems (a document with any is never updated incrementally), so secrets only.
      return { raw: next.hits.flatMap((list) => list.map((h) => h.finding)), incremental: true };
    }
  }
  const { config, tree } = parseClientConfigTree(text, { ...candidate, path: file });
  const lines = new LineStarts(text);
  const hits = config.servers.map((server) => findSecretsInServer(file, server, lines, { root }));
  if (incremental) {
    const state = configDocState(text, config, tree?.root, tree?.errors.length ?? 1, hits);
    CONFIG_DOCS.delete(file);
    if (state) {
      if (CONFIG_DOCS.size >= CONFIG_DOCS_LIMIT) CONFIG_DOCS.delete(CONFIG_DOCS.keys().next().value!);
      CONFIG_DOCS.set(file, { key, state });
    }
  }
  return { raw: [...configProblemFindings(config, root), ...hits.flatMap((list) => list.map((h) => h.finding))], incremental: false };
}

/**
 * Findings of one document's text (no file system, no git): what the editor shows as you type.
 * Config documents are re-scanned incrementally when the edit allows (`incremental: false`
 * forces a full scan and leaves the kept state alone; the result is the same). `incremental`
 * in the result says which path ran.
 */
export function scanDocument(
  file: string,
  text: string,
  kind: DocumentKind,
  root: string,
  settings: ProjectSettings = DEFAULT_PROJECT_SETTINGS,
  options: { incremental?: boolean } = {},
): { findings: Finding[]; suppressed: Finding[]; incremental?: boolean } {
  let raw: Finding[];
  let incremental = false;
  if (kind.type === 'config') {
    ({ raw, incremental } = configDocumentFindings(file, text, kind.candidate, root, options.incremental !== false));
  } else {
    raw = findSecretsInText(file, text, kind.type, { root, gitignored: kind.type === 'dotenv' && kind.gitignored }).map((h) => h.finding);
  }
  const { kept, suppressed } = applySuppressions(raw, text);
  return { findings: applySeverity(kept, settings), suppressed, incremental };
}

export async function scanWorkspace(options: ScanOptions): Promise<ScanResult> {
  const root = path.resolve(options.root);
  const { settings, problems: settingsProblems } = await loadProjectSettings(root);
  const discovery = await discover({
    root,
    includeUser: options.includeUser,
    env: options.env,
    exclude: [...(options.exclude ?? []), ...settings.ignore],
    maxFileBytes: options.maxFileBytes,
    noIgnore: options.noIgnore,
    listFiles: options.allFiles,
  });
  const result = await scanDiscovered(discovery, settings, options);
  result.problems.unshift(...settingsProblems);
  return result;
}

/** The scan of what discovery found: the extension calls this with its discovery snapshot. */
export async function scanDiscovered(
  discovery: DiscoveryResult,
  settings: ProjectSettings,
  options: Pick<ScanOptions, 'maxFileBytes' | 'git' | 'allFiles'> = {},
): Promise<ScanResult> {
  const root = discovery.root;
  const problems: FileProblem[] = [];
  const hits: SecretHit[] = [];
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  const collect = (text: string, fileHits: SecretHit[], other: Finding[] = []) => {
    const result = applySuppressions([...other, ...fileHits.map((h) => h.finding)], text);
    const kept = new Set(result.kept);
    // applySuppressions may copy a finding to amend its message; match hits by identity or position.
    hits.push(...fileHits.filter((h) => kept.has(h.finding) || result.kept.some((k) => k.fingerprint === h.finding.fingerprint && k.range.start.offset === h.finding.range.start.offset)));
    findings.push(...result.kept);
    suppressed.push(...result.suppressed);
  };

  const read = async (file: string, limit: number, checkEncoding = false): Promise<string | undefined> => {
    const result = await readTextFile(file, limit);
    if ('problem' in result) {
      problems.push(result.problem);
      return undefined;
    }
    // Discovery already noted configs and sources that are not UTF-8; .env files are read here first.
    const encoding = checkEncoding ? await utf8Problem(file, result.text) : undefined;
    if (encoding) problems.push(encoding);
    return result.text;
  };

  await Promise.all([
    ...discovery.configs.map(async (config) => {
      const text = await read(config.path, MAX_CONFIG_BYTES);
      if (text !== undefined) collect(text, findSecretsInConfig(config, text, { root }), configProblemFindings(config, root));
    }),
    ...discovery.envFiles.map(async ({ path: file, gitignored }) => {
      const text = await read(file, maxFileBytes, true);
      if (text !== undefined) collect(text, findSecretsInText(file, text, 'dotenv', { root, gitignored }));
    }),
    ...discovery.servers.flatMap((server) =>
      server.sources.map(async (file) => {
        const text = await read(file, maxFileBytes);
        if (text !== undefined) collect(text, findSecretsInText(file, text, 'source', { root }));
      }),
    ),
  ]);

  // Every other file, with --all-files: what the readers above did not read.
  let swept: ScanResult['sweep'];
  if (options.allFiles && discovery.files) {
    const readAbove = new Set([...discovery.configs.map((c) => c.path), ...discovery.envFiles.map((e) => e.path), ...discovery.servers.flatMap((s) => s.sources)]);
    const sweep = sweepFiles(discovery.files.filter((f) => !readAbove.has(f)), { root, maxFileBytes });
    for (const { text, hits: fileHits } of sweep.files) collect(text, fileHits);
    problems.push(...sweep.problems);
    swept = { files: sweep.scanned, bytes: sweep.bytes };
  }

  // Authorization lint over the discovered server projects (MCPS2xx).
  const sourceTexts = new Map<string, string>();
  const authz = await lintAuthorization({
    root,
    servers: discovery.servers,
    readFile: async (file) => {
      const text = await read(file, maxFileBytes);
      if (text !== undefined) sourceTexts.set(file, text);
      return text;
    },
    settings: { authorizationFunctions: settings.authorizationFunctions },
  });
  const authzByFile = new Map<string, Finding[]>();
  for (const finding of authz.findings) authzByFile.set(finding.file, [...(authzByFile.get(finding.file) ?? []), finding]);
  for (const [file, fileFindings] of authzByFile) {
    const text = sourceTexts.get(file) ?? (await read(file, maxFileBytes)) ?? '';
    const result = applySuppressions(fileFindings, text);
    findings.push(...result.kept);
    suppressed.push(...result.suppressed);
  }

  if (options.git !== false && hits.length > 0) {
    const exposure = await gitExposure(root, hits.map((h) => h.secret), options.git || {});
    if (exposure) {
      for (const { finding, secret } of hits) {
        if (!finding.secret) continue;
        if (exposure.inHistory.has(secret)) {
          finding.secret.gitExposure = 'history';
          finding.message = finding.message.replace(REMEDY, ' It is in the git history, so moving it will not un-leak it: rotate it, then move the new one to the OS keychain.');
        } else if (exposure.tracked.has(finding.file)) {
          finding.secret.gitExposure = 'tracked';
          finding.message = finding.message.replace(REMEDY, ' The file is tracked by git: move the key to the OS keychain before committing, and rotate it if it was ever pushed.');
        }
      }
      if (exposure.note) problems.push({ file: root, severity: 'note', message: exposure.note });
    }
  }

  const ordered = applySeverity(findings, settings).sort(
    (a, b) => a.file.localeCompare(b.file) || a.range.start.offset - b.range.start.offset || a.ruleId.localeCompare(b.ruleId),
  );
  return { root, discovery, findings: ordered, suppressed, problems: [...problems, ...discovery.problems], settings, verdicts: authz.verdicts, ...(swept ? { sweep: swept } : {}) };
}

/** The exit code contract: 1 when any finding is at error level. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

export function ruleTitle(ruleId: string): string {
  return RULES_BY_ID.get(ruleId)?.title ?? ruleId;
}
