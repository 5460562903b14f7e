/**
 * Reads mcp-matrix.json (JSONC) and validates it against the contract (the same rules as
 * schemas/mcp-matrix.schema.json), with 1-based positions for every problem.
 */
import { readFileSync } from 'node:fs';
import * as jsonc from 'jsonc-parser';
import { LineStarts } from '../util/positions';
import { HOSTILE_PRINCIPALS, type MatrixConfig, type MatrixProblem } from './types';

export interface LoadedMatrix {
  config: MatrixConfig | undefined;
  problems: MatrixProblem[];
}

const TOP_KEYS = new Set(['$schema', 'server', 'audience', 'principals', 'tools', 'runDestructive', 'callTimeoutMs', 'concurrency', 'tokenTtlMinutes']);
const SERVER_KEYS = new Set(['transport', 'command', 'args', 'cwd', 'env', 'url', 'tokenEnv', 'startupTimeoutMs']);
const PRINCIPAL_KEYS = new Set(['sub', 'scopes', 'claims', 'clientId']);
const TOOL_KEYS = new Set(['args', 'allow', 'public']);
const RESERVED_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti']);

export function loadMatrixFile(file: string): LoadedMatrix {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { config: undefined, problems: [{ message: `cannot read ${file}: ${(err as Error).message}`, path: '', line: 1, column: 1, severity: 'error' }] };
  }
  return parseMatrixText(text);
}

export function parseMatrixText(text: string): LoadedMatrix {
  const lines = new LineStarts(text);
  const problems: MatrixProblem[] = [];
  const errors: jsonc.ParseError[] = [];
  const tree = jsonc.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) {
    const p = lines.position(e.offset);
    problems.push({ message: `JSON syntax error: ${jsonc.printParseErrorCode(e.error)}`, path: '', line: p.line, column: p.column, severity: 'error' });
  }
  if (!tree || errors.length) {
    if (!tree && !errors.length) problems.push({ message: 'empty file', path: '', line: 1, column: 1, severity: 'error' });
    return { config: undefined, problems };
  }
  const report = (node: jsonc.Node | undefined, path: string, message: string, severity: 'error' | 'warning' = 'error') => {
    const p = lines.position(node?.offset ?? 0);
    problems.push({ message: path ? `${path}: ${message}` : message, path, line: p.line, column: p.column, severity });
  };
  const value = jsonc.getNodeValue(tree) as unknown;
  validateMatrix(value, tree, report);
  return { config: problems.some((p) => p.severity === 'error') ? undefined : (value as MatrixConfig), problems };
}

type Report = (node: jsonc.Node | undefined, path: string, message: string, severity?: 'error' | 'warning') => void;

function child(node: jsonc.Node | undefined, key: string): jsonc.Node | undefined {
  return node ? jsonc.findNodeAtLocation(node, [key]) : undefined;
}
function keyNode(node: jsonc.Node | undefined, key: string): jsonc.Node | undefined {
  const prop = node?.children?.find((c) => c.type === 'property' && c.children?.[0]?.value === key);
  return prop?.children?.[0];
}
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function checkKeys(obj: Record<string, unknown>, node: jsonc.Node | undefined, allowed: Set<string>, path: string, report: Report): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) report(keyNode(node, key), path ? `${path}.${key}` : key, `unknown property (expected one of ${[...allowed].join(', ')})`);
  }
}
function stringArray(v: unknown, node: jsonc.Node | undefined, path: string, report: Report): v is string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    report(node, path, `must be an array of strings (got ${typeName(v)})`);
    return false;
  }
  return true;
}
function positiveInt(v: unknown, node: jsonc.Node | undefined, path: string, report: Report, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) report(node, path, `must be an integer from 1 to ${max} (got ${JSON.stringify(v)})`);
}

export function validateMatrix(value: unknown, tree: jsonc.Node | undefined, report: Report): void {
  if (!isObj(value)) {
    report(tree, '', `the matrix file must be a JSON object (got ${typeName(value)})`);
    return;
  }
  checkKeys(value, tree, TOP_KEYS, '', report);
  // server
  const server = value.server;
  const sNode = child(tree, 'server');
  if (server === undefined) report(tree, 'server', 'is required');
  else if (!isObj(server)) report(sNode, 'server', `must be an object (got ${typeName(server)})`);
  else {
    checkKeys(server, sNode, SERVER_KEYS, 'server', report);
    if (server.transport !== 'stdio' && server.transport !== 'http' && server.transport !== 'sse') report(child(sNode, 'transport') ?? sNode, 'server.transport', `must be "stdio" or "http" (or legacy "sse") (got ${JSON.stringify(server.transport)})`);
    if (typeof server.command !== 'string' || !server.command.trim()) report(child(sNode, 'command') ?? sNode, 'server.command', 'is required and must be a non-empty string');
    if (server.args !== undefined) stringArray(server.args, child(sNode, 'args'), 'server.args', report);
    for (const k of ['cwd', 'url', 'tokenEnv'] as const) {
      if (server[k] !== undefined && typeof server[k] !== 'string') report(child(sNode, k), `server.${k}`, `must be a string (got ${typeName(server[k])})`);
    }
    if (server.env !== undefined) {
      if (!isObj(server.env)) report(child(sNode, 'env'), 'server.env', 'must be an object of strings');
      else for (const [k, v] of Object.entries(server.env)) if (typeof v !== 'string') report(child(child(sNode, 'env'), k), `server.env.${k}`, `must be a string (got ${typeName(v)})`);
    }
    if (server.startupTimeoutMs !== undefined) positiveInt(server.startupTimeoutMs, child(sNode, 'startupTimeoutMs'), 'server.startupTimeoutMs', report, 600_000);
    if ((server.transport === 'http' || server.transport === 'sse') && typeof server.url !== 'string') report(sNode, 'server.url', `is required when transport is "${server.transport}"`);
    if (typeof server.url === 'string') {
      const probe = server.url.replace(/\$\{port\}/g, '1');
      let ok = false;
      try {
        const u = new URL(probe);
        ok = u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
      } catch { /* reported below */ }
      if (!ok) report(child(sNode, 'url'), 'server.url', 'must be an http:// URL on 127.0.0.1 (the harness only talks to local servers)');
    }
    if (server.transport === 'stdio' && server.tokenEnv === undefined) report(sNode, 'server.tokenEnv', 'not set: stdio principals get no token (default MCP_ACCESS_TOKEN is used)', 'warning');
  }
  if (value.audience !== undefined && typeof value.audience !== 'string') report(child(tree, 'audience'), 'audience', 'must be a string');
  if (value.runDestructive !== undefined && typeof value.runDestructive !== 'boolean') report(child(tree, 'runDestructive'), 'runDestructive', 'must be true or false');
  if (value.callTimeoutMs !== undefined) positiveInt(value.callTimeoutMs, child(tree, 'callTimeoutMs'), 'callTimeoutMs', report, 600_000);
  if (value.concurrency !== undefined) positiveInt(value.concurrency, child(tree, 'concurrency'), 'concurrency', report, 64);
  if (value.tokenTtlMinutes !== undefined) positiveInt(value.tokenTtlMinutes, child(tree, 'tokenTtlMinutes'), 'tokenTtlMinutes', report, 60);
  // principals
  const principals = value.principals;
  const pNode = child(tree, 'principals');
  const names = new Set<string>();
  if (principals === undefined) report(tree, 'principals', 'is required');
  else if (!isObj(principals)) report(pNode, 'principals', `must be an object (got ${typeName(principals)})`);
  else {
    for (const [name, p] of Object.entries(principals)) {
      const path = `principals.${name}`;
      const node = child(pNode, name);
      names.add(name);
      if ((HOSTILE_PRINCIPALS as readonly string[]).includes(name)) report(keyNode(pNode, name), path, `"${name}" is a built-in hostile principal; choose another name`);
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(name)) report(keyNode(pNode, name), path, 'principal names are 1-64 letters, digits, _ . : -');
      if (!isObj(p)) {
        report(node, path, `must be an object (got ${typeName(p)})`);
        continue;
      }
      checkKeys(p, node, PRINCIPAL_KEYS, path, report);
      if (typeof p.sub !== 'string' || !p.sub) report(child(node, 'sub') ?? node, `${path}.sub`, 'is required and must be a non-empty string');
      if (p.scopes !== undefined && stringArray(p.scopes, child(node, 'scopes'), `${path}.scopes`, report)) {
        for (const s of p.scopes) if (/\s/.test(s) || !s) report(child(node, 'scopes'), `${path}.scopes`, `scope ${JSON.stringify(s)} must be non-empty without spaces`);
      }
      if (p.clientId !== undefined && typeof p.clientId !== 'string') report(child(node, 'clientId'), `${path}.clientId`, 'must be a string');
      if (p.claims !== undefined) {
        if (!isObj(p.claims)) report(child(node, 'claims'), `${path}.claims`, 'must be an object');
        else for (const k of Object.keys(p.claims)) if (RESERVED_CLAIMS.has(k)) report(keyNode(child(node, 'claims'), k), `${path}.claims.${k}`, `"${k}" is set by the harness and cannot be overridden`);
      }
    }
    if (names.size === 0) report(pNode, 'principals', 'declare at least one principal', 'warning');
  }
  // tools
  const tools = value.tools;
  const tNode = child(tree, 'tools');
  if (tools !== undefined) {
    if (!isObj(tools)) report(tNode, 'tools', `must be an object (got ${typeName(tools)})`);
    else {
      for (const [name, t] of Object.entries(tools)) {
        const path = `tools.${name}`;
        const node = child(tNode, name);
        if (!isObj(t)) {
          report(node, path, `must be an object (got ${typeName(t)})`);
          continue;
        }
        checkKeys(t, node, TOOL_KEYS, path, report);
        if (t.args !== undefined && !isObj(t.args)) report(child(node, 'args'), `${path}.args`, 'must be an object (the tool call arguments)');
        if (t.public !== undefined && typeof t.public !== 'boolean') report(child(node, 'public'), `${path}.public`, 'must be true or false');
        if (t.allow !== undefined && stringArray(t.allow, child(node, 'allow'), `${path}.allow`, report)) {
          t.allow.forEach((a, i) => {
            if (!names.has(a)) {
              const hostile = (HOSTILE_PRINCIPALS as readonly string[]).includes(a);
              report(child(node, 'allow')?.children?.[i], `${path}.allow`, hostile ? `"${a}" is a hostile principal; use "public": true for tools anyone may call` : `unknown principal "${a}" (declared: ${[...names].join(', ') || 'none'})`);
            }
          });
        }
      }
    }
  }
}
