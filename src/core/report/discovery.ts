/**
 * The discovery report in the shapes of DESIGN.md (`discover --format json`) and as text.
 * Every path under the scanned root (server roots, tool files, configs) is relative to it,
 * like the `file` of scan findings; others stay absolute. URLs are redacted,
 * arguments and env values are never printed.
 */
import * as path from 'node:path';
import type { ClientConfig, DiscoveryResult, FileProblem, ServerProject } from '../model';
import { redactUrl } from '../util/redact';
import { detectSecretsInValue, redactSecret } from '../secrets';
import { clientLabel } from '../discovery/clients';

export interface DiscoveryJson {
  servers: Array<{
    root: string;
    language: string;
    framework: string;
    transports: string[];
    tools: Array<{ name: string; file: string; line: number; column: number }>;
  }>;
  configs: Array<{
    path: string;
    client: string;
    scope: string;
    servers: Array<{ name: string; transport: string; command: string | null; url: string | null; line: number }>;
    problems: ProblemJson[];
  }>;
  problems: ProblemJson[];
}

interface ProblemJson {
  file: string;
  severity: string;
  message: string;
  line?: number;
  column?: number;
}

export function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return file;
  return rel.split(path.sep).join('/');
}

function problemJson(root: string, problem: FileProblem): ProblemJson {
  return {
    file: displayPath(root, problem.file),
    severity: problem.severity,
    message: problem.message,
    ...(problem.range ? { line: problem.range.start.line, column: problem.range.start.column } : {}),
  };
}

function serverJson(root: string, server: ServerProject): DiscoveryJson['servers'][number] {
  return {
    root: displayPath(root, server.root),
    language: server.language,
    framework: server.framework,
    transports: [...server.transports].sort(),
    tools: server.tools.map((tool) => ({
      name: tool.name,
      file: displayPath(root, tool.file),
      line: tool.line,
      column: tool.column,
    })),
  };
}

function configJson(root: string, config: ClientConfig): DiscoveryJson['configs'][number] {
  return {
    path: displayPath(root, config.path),
    client: config.client,
    scope: config.scope,
    servers: config.servers.map((server) => ({
      name: server.name,
      transport: server.transport,
      command: server.command ? redactSecretsIn(server.command.value) : null,
      url: server.url ? redactSecretsIn(redactUrl(server.url.value), 'url') : null,
      line: server.nameRange.start.line,
    })),
    problems: config.problems.map((p) => problemJson(root, p)),
  };
}

/**
 * A command or URL with every secret the detector finds in it replaced by its redacted form
 * (`GITHUB_TOKEN=ghp_… npx` is a command people really write).
 */
export function redactSecretsIn(value: string, location: 'arg' | 'url' = 'arg'): string {
  const matches = detectSecretsInValue(value, { location }).sort((a, b) => b.start - a.start);
  let out = value;
  for (const match of matches) out = out.slice(0, match.start) + redactSecret(value.slice(match.start, match.end)) + out.slice(match.end);
  return out;
}

export function discoveryToJson(result: DiscoveryResult): DiscoveryJson {
  return {
    servers: result.servers.map((s) => serverJson(result.root, s)),
    configs: result.configs.map((c) => configJson(result.root, c)),
    problems: [...result.problems, ...result.servers.flatMap((s) => s.problems)].map((p) => problemJson(result.root, p)),
  };
}

/** Human-readable report for a terminal. */
export function discoveryToText(result: DiscoveryResult): string {
  const json = discoveryToJson(result);
  const out: string[] = [];
  const toolCount = json.servers.reduce((n, s) => n + s.tools.length, 0);
  out.push(`MCP server projects: ${json.servers.length} (${toolCount} tools)`);
  for (const server of json.servers) {
    out.push(`  ${server.root}  ${server.language} · ${server.framework} · ${server.transports.join(', ') || 'transport unknown'}`);
    const width = Math.max(0, ...server.tools.map((t) => t.name.length));
    for (const tool of server.tools) out.push(`    ${tool.name.padEnd(width)}  ${tool.file}:${tool.line}`);
  }
  out.push('');
  out.push(`Client configs: ${json.configs.length}`);
  for (const config of json.configs) {
    out.push(`  ${config.path}  ${clientLabel(config.client)} · ${config.scope}`);
    const width = Math.max(0, ...config.servers.map((s) => s.name.length));
    for (const server of config.servers) {
      const target = server.command ?? server.url ?? '';
      out.push(`    ${server.name.padEnd(width)}  ${server.transport.padEnd(5)}  ${target}`);
    }
    for (const problem of config.problems) out.push(`    ✗ ${formatProblem(problem)}`);
  }
  const notes = json.problems;
  if (notes.length > 0) {
    out.push('');
    out.push(`Notes: ${notes.length}`);
    for (const problem of notes) out.push(`  ${problem.file}: ${formatProblem(problem)}`);
  }
  return out.join('\n') + '\n';
}

function formatProblem(problem: ProblemJson): string {
  const where = problem.line ? `${problem.line}:${problem.column} ` : '';
  return `${where}${problem.message}`;
}
