/**
 * SARIF 2.1.0 output (`scan --format sarif`), shaped for GitHub code scanning.
 *
 * One run per invocation: every scanned root goes into the same run, with artifact URIs
 * relative to `%SRCROOT%` — the scanned root, or the folder the roots share when several
 * were scanned — so GitHub sees one analysis per tool and category. Files outside that
 * folder (user-level client configs) get absolute `file://` URIs.
 *
 * Never carries a secret's value: messages are already redacted, there are no region
 * snippets, and free text that does not come from a finding (suppression reasons, problem
 * messages) is checked by the secret engine before it is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { FileProblem, Finding, SourceRange } from '../model';
import { RULES, RULES_BY_ID, ruleDocPath, type RuleMeta, type Severity } from '../rules';
import type { ScanResult } from '../scan/scan';
import { scanTextForSecrets } from '../secrets';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_TOOL_NAME = 'mcp-secure';
/** Key of `result.partialFingerprints`; bump the version if the fingerprint recipe changes. */
export const FINGERPRINT_KEY = 'mcpSecure/v1';
/** The uriBaseId of in-root artifacts; also the key in `run.originalUriBaseIds`. */
export const SRCROOT = '%SRCROOT%';
/** GitHub code scanning keeps at most this many results of one run. */
export const GITHUB_MAX_RESULTS_PER_RUN = 25_000;

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };

/** GitHub's scale: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

export function scanToSarif(results: readonly ScanResult[], tool: { version: string }): Sarif.Log {
  const base = commonBase(results.map((r) => path.resolve(r.root)));
  const rules = ruleDescriptors(results);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));

  const sarifResults: Sarif.Result[] = [];
  const notifications: Sarif.Notification[] = [];
  const seen = new Set<string>();
  for (const scan of results) {
    const all = [
      ...scan.findings.map((finding) => ({ finding, suppressed: false })),
      ...scan.suppressed.map((finding) => ({ finding, suppressed: true })),
    ].sort((a, b) => compareFindings(a.finding, b.finding));
    for (const { finding, suppressed } of all) {
      // Overlapping roots (`scan . sub`) report the same finding twice (with fingerprints that
      // differ, as they hash the root-relative path); keep the first.
      const key = [finding.file, finding.range.start.offset, finding.range.end.offset, finding.ruleId].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      sarifResults.push(toResult(finding, base, ruleIndex.get(finding.ruleId)!, suppressed ? suppressionOf(finding, base) : undefined));
    }
    for (const problem of scan.problems) {
      const key = ['problem', problem.file, problem.range?.start.offset, problem.message].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      notifications.push(toNotification(problem, base));
    }
  }
  if (sarifResults.length > GITHUB_MAX_RESULTS_PER_RUN) {
    notifications.push({
      level: 'warning',
      message: { text: `This run has ${sarifResults.length} results; GitHub code scanning keeps at most ${GITHUB_MAX_RESULTS_PER_RUN} per run.` },
    });
  }

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: SARIF_TOOL_NAME,
        fullName: 'MCP Secure',
        semanticVersion: tool.version,
        rules,
      },
    },
    ...(base ? { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(base) } } } : {}),
    invocations: [
      {
        executionSuccessful: true,
        ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    columnKind: 'utf16CodeUnits',
    results: sarifResults,
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

// ---------------------------------------------------------------------------------------
// Rules

/** Every known rule (stable rule indexes), plus any unknown id that a result uses. */
function ruleDescriptors(results: readonly ScanResult[]): Sarif.ReportingDescriptor[] {
  const metas: RuleMeta[] = [...RULES];
  for (const scan of results) {
    for (const finding of [...scan.findings, ...scan.suppressed]) {
      if (!metas.some((m) => m.id === finding.ruleId)) {
        metas.push({ id: finding.ruleId, title: finding.ruleId, category: finding.category, defaultSeverity: finding.severity });
      }
    }
  }
  return metas.map(ruleDescriptor);
}

function ruleDescriptor(rule: RuleMeta): Sarif.ReportingDescriptor {
  const doc = readRuleDoc(rule.id);
  const summary = doc?.summary || rule.title;
  // Malformed configs are hygiene, not vulnerabilities: without security-severity GitHub
  // lists them as ordinary errors instead of high-severity security alerts.
  const security = rule.category !== 'config';
  return {
    id: rule.id,
    name: pascalCase(rule.title),
    shortDescription: { text: rule.title },
    fullDescription: { text: summary },
    help: {
      text: doc?.text ?? `${rule.id}: ${rule.title}`,
      markdown: doc?.markdown ?? `**${rule.id}** — ${rule.title}`,
    },
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
    properties: security
      ? { tags: ['security', rule.category], 'security-severity': SECURITY_SEVERITY[rule.defaultSeverity] }
      : { tags: ['correctness', rule.category] },
  };
}

/** "Password in a connection string, URL or Basic auth header" → "PasswordInAConnectionStringURLOrBasicAuthHeader". */
export function pascalCase(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

interface RuleDoc {
  markdown: string;
  text: string;
  /** The first paragraph of "What it reports", as plain text. */
  summary: string;
}

const docCache = new Map<string, RuleDoc | undefined>();

/**
 * The rule's page, read at run time: the docs ship next to the bundles (dist/cli.js and
 * dist/extension.js → ../docs/rules) and sit three folders up from this source file.
 */
function readRuleDoc(id: string): RuleDoc | undefined {
  if (docCache.has(id)) return docCache.get(id);
  let doc: RuleDoc | undefined;
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  const packageRoots = here ? [path.join(here, '..'), path.join(here, '..', '..', '..')] : [];
  for (const root of packageRoots) {
    try {
      const markdown = fs.readFileSync(path.join(root, ruleDocPath(id)), 'utf8').replace(/\r\n?/g, '\n').trim();
      if (!markdown.startsWith(`# ${id}`)) continue;
      doc = { markdown, text: markdownToText(markdown), summary: section(markdown, 'What it reports') };
      break;
    } catch {
      // Not at this location; try the next, then fall back to the title.
    }
  }
  docCache.set(id, doc);
  return doc;
}

/** The first paragraph of a section as one line of plain text; a paragraph that ends in ':' takes the list after it. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start < 0) return '';
  const blocks: string[][] = [];
  let block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (line.trim() === '') {
      if (block.length > 0) blocks.push(block);
      block = [];
      const wantsList = blocks.length === 1 && blocks[0]!.join(' ').endsWith(':');
      if (blocks.length > 0 && !wantsList) break;
      continue;
    }
    // A list item starts a new entry; its continuation lines join it.
    if (/^\s*[-*] /.test(line)) block.push(line.replace(/^\s*[-*] /, '').trim());
    else if (block.length > 0) block[block.length - 1] += ` ${line.trim()}`;
    else block.push(line.trim());
  }
  if (block.length > 0) blocks.push(block);
  const [paragraph = [], list = []] = blocks;
  const text = paragraph.join(' ') + (list.length > 0 ? ` ${list.join(' ')}` : '');
  return inlineToText(text.trim());
}

function inlineToText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]*)`/g, '$1');
}

/**
 * Plain-text help for viewers that do not render Markdown: heading marks, bold and fences
 * dropped; code blocks kept verbatim, indented.
 */
function markdownToText(markdown: string): string {
  const out: string[] = [];
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      inCode = !inCode;
      continue;
    }
    out.push(inCode ? `    ${line}` : line.replace(/^#+\s*/, '').replace(/\*\*([^*]+)\*\*/g, '$1'));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

// ---------------------------------------------------------------------------------------
// Results

function toResult(finding: Finding, base: string | undefined, ruleIndex: number, suppression: Sarif.Suppression | undefined): Sarif.Result {
  const properties: Sarif.PropertyBag = { category: finding.category };
  if (finding.tool) properties.tool = finding.tool;
  if (finding.secret) {
    properties.provider = finding.secret.provider;
    properties.redacted = finding.secret.redacted;
    properties.location = finding.secret.location;
    if (finding.secret.key !== undefined) properties.key = finding.secret.key;
    if (finding.secret.gitExposure) properties.gitExposure = finding.secret.gitExposure;
  }
  const related = finding.related ?? [];
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.message || RULES_BY_ID.get(finding.ruleId)?.title || finding.ruleId },
    locations: [{ physicalLocation: physicalLocation(finding.file, finding.range, base) }],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    ...(related.length > 0
      ? {
          relatedLocations: related.map((r, index) => ({
            id: index + 1,
            physicalLocation: physicalLocation(r.file, r.range, base),
            message: { text: r.message },
          })),
        }
      : {}),
    ...(suppression ? { suppressions: [suppression] } : {}),
    properties,
  };
}

function toNotification(problem: FileProblem, base: string | undefined): Sarif.Notification {
  const located = path.resolve(problem.file) !== base;
  return {
    level: problem.severity === 'error' ? 'error' : 'note',
    message: { text: safeText(problem.message, 'a problem occurred (its message was withheld because it looks like it contains a secret)') },
    ...(located ? { locations: [{ physicalLocation: physicalLocation(problem.file, problem.range, base) }] } : {}),
  };
}

function physicalLocation(file: string, range: SourceRange | undefined, base: string | undefined): Sarif.PhysicalLocation {
  return { artifactLocation: artifactLocation(file, base), ...(range ? { region: region(range) } : {}) };
}

/**
 * SARIF regions are 1-based with an exclusive end column — the model's end position is
 * already the (1-based) column just past the last character, so it maps one to one.
 */
function region(range: SourceRange): Sarif.Region {
  const startLine = Math.max(1, range.start.line);
  const startColumn = Math.max(1, range.start.column);
  let endLine = Math.max(startLine, range.end.line);
  let endColumn = Math.max(1, range.end.column);
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  if (range.end.line < startLine) endLine = startLine;
  return { startLine, startColumn, endLine, endColumn };
}

function artifactLocation(file: string, base: string | undefined): Sarif.ArtifactLocation {
  const absolute = path.resolve(file);
  if (base) {
    const rel = path.relative(base, absolute);
    const outside = rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
    if (!outside) return { uri: relativeUri(rel), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(absolute).href };
}

/** A relative path as a URI reference: forward slashes, each segment percent-encoded (':' too, so no segment reads as a scheme). */
function relativeUri(rel: string): string {
  return rel
    .split(path.sep)
    .map((segment) => encodeURIComponent(segment).replace(/%(?:21|24|26|27|28|29|2A|2B|2C|3B|3D|40)/gi, decodeURIComponent))
    .join('/');
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** The deepest folder that contains every root; undefined when they share none (different drives). */
function commonBase(roots: readonly string[]): string | undefined {
  if (roots.length === 0) return undefined;
  let base = roots[0]!;
  for (const root of roots.slice(1)) {
    while (!isWithin(base, root)) {
      const parent = path.dirname(base);
      if (parent === base) return roots[0]; // nothing shared: the others get absolute URIs
      base = parent;
    }
  }
  return base;
}

function isWithin(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.range.start.offset - b.range.start.offset || a.ruleId.localeCompare(b.ruleId);
}

/** Free text from files (not from our redacting formatters) goes through the secret engine first. */
function safeText(text: string, replacement: string): string {
  return scanTextForSecrets(text, 'plain').length > 0 ? replacement : text;
}

// ---------------------------------------------------------------------------------------
// Suppressions

const DEFAULT_JUSTIFICATION = 'mcp-secure-ignore';

/** The SARIF form of the `mcp-secure-ignore` comment that silenced a finding. */
function suppressionOf(finding: Finding, base: string | undefined): Sarif.Suppression {
  const comment = finding.suppression;
  if (!comment) return { kind: 'inSource', justification: DEFAULT_JUSTIFICATION };
  return {
    kind: 'inSource',
    justification: safeText(comment.reason, DEFAULT_JUSTIFICATION),
    location: { physicalLocation: { artifactLocation: artifactLocation(finding.file, base), region: { startLine: comment.line } } },
  };
}
