/**
 * Every rule MCP Secure reports, as data. Each has a page at docs/rules/<id>.md (a test
 * checks that the table, the pages and the code agree).
 *   MCPS1xx secrets · MCPS2xx authorization · MCPS3xx config hygiene
 */
import type { FindingCategory, FindingSeverity } from './model';

/** A rule's category and severity are those of the findings it reports. */
export type RuleCategory = FindingCategory;
export type Severity = FindingSeverity;

export interface RuleMeta {
  id: string;
  title: string;
  category: RuleCategory;
  defaultSeverity: Severity;
}

export const RULES: readonly RuleMeta[] = [
  { id: 'MCPS101', title: 'Plaintext provider API key or token', category: 'secret', defaultSeverity: 'error' },
  { id: 'MCPS102', title: 'Plaintext secret in a secret-named setting', category: 'secret', defaultSeverity: 'warning' },
  { id: 'MCPS103', title: 'Plaintext private key', category: 'secret', defaultSeverity: 'error' },
  { id: 'MCPS104', title: 'Password in a connection string, URL or Basic auth header', category: 'secret', defaultSeverity: 'error' },
  { id: 'MCPS105', title: 'Plaintext JSON Web Token', category: 'secret', defaultSeverity: 'warning' },
  { id: 'MCPS201', title: 'Tool handler without an authorization check', category: 'authz', defaultSeverity: 'warning' },
  { id: 'MCPS202', title: 'Fail-open authorization check (passes without a token)', category: 'authz', defaultSeverity: 'error' },
  { id: 'MCPS203', title: 'Authorization decorator placed where it never runs', category: 'authz', defaultSeverity: 'error' },
  { id: 'MCPS204', title: 'Authorization on client-controlled identity', category: 'authz', defaultSeverity: 'error' },
  { id: 'MCPS205', title: 'Token verifier without audience validation', category: 'authz', defaultSeverity: 'error' },
  { id: 'MCPS206', title: 'Token passthrough to another service', category: 'authz', defaultSeverity: 'error' },
  { id: 'MCPS207', title: 'HTTP MCP server without authentication', category: 'authz', defaultSeverity: 'warning' },
  { id: 'MCPS208', title: 'fastmcp canAccess that is never evaluated', category: 'authz', defaultSeverity: 'warning' },
  { id: 'MCPS301', title: 'Malformed MCP client config', category: 'config', defaultSeverity: 'error' },
];

export const RULES_BY_ID: ReadonlyMap<string, RuleMeta> = new Map(RULES.map((rule) => [rule.id, rule]));

/** Path of a rule's documentation page relative to the package root. */
export function ruleDocPath(id: string): string {
  return `docs/rules/${id}.md`;
}
