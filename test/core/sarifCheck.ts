// Shared by the SARIF tests (not a test file itself): validation against the SARIF 2.1.0
// JSON schema, and the constraints GitHub code scanning puts on uploads.
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import type * as Sarif from 'sarif';

// The SARIF 2.1.0 schema as published on SchemaStore (draft-04), shipped by Microsoft's
// @microsoft/jest-sarif. It differs from the final OASIS schema only in suppression.status
// (final: state) and the language pattern — neither of which mcp-secure writes.
export const SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

let validate: ValidateFunction | undefined;

/** Every schema violation, one line each; [] when the log is valid. */
export function schemaErrors(log: unknown): string[] {
  if (!validate) {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object;
    // strict: the published schema uses `required` inside anyOf without `properties`, which
    // Ajv's authoring checks reject. unicodeRegExp: its `language` pattern has a stray `]`
    // that is only valid without the u flag (fixed in the final OASIS text).
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(schema);
  }
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

/** GitHub code scanning's rules for an uploaded SARIF file (the ones this tool could break). */
export function githubProblems(log: Sarif.Log): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0') problems.push(`version is ${log.version}`);
  log.runs.forEach((run, r) => {
    const driver = run.tool?.driver;
    if (!driver?.name) problems.push(`run ${r}: tool.driver.name missing`);
    const rules = driver?.rules ?? [];
    if (rules.length > 1000) problems.push(`run ${r}: more than 1,000 rules`);
    const ruleIds = new Set(rules.map((rule) => rule.id));
    for (const rule of rules) {
      if (!rule.help?.markdown) problems.push(`rule ${rule.id}: help.markdown missing`);
      if (!rule.shortDescription?.text) problems.push(`rule ${rule.id}: shortDescription missing`);
      const sev = rule.properties?.['security-severity'] as unknown;
      if (sev !== undefined && !(typeof sev === 'string' && /^\d+(\.\d+)?$/.test(sev) && Number(sev) >= 0 && Number(sev) <= 10)) {
        problems.push(`rule ${rule.id}: security-severity ${String(sev)} is not a number 0.0-10.0`);
      }
    }
    const results = run.results ?? [];
    if (results.length > 25_000) problems.push(`run ${r}: ${results.length} results (GitHub keeps 25,000 per run)`);
    results.forEach((result, i) => {
      const where = `run ${r} result ${i} (${result.ruleId})`;
      if (!result.ruleId || !ruleIds.has(result.ruleId)) problems.push(`${where}: ruleId not in tool.driver.rules`);
      if (result.ruleIndex !== undefined && rules[result.ruleIndex]?.id !== result.ruleId) problems.push(`${where}: ruleIndex points elsewhere`);
      if (!result.message?.text?.trim()) problems.push(`${where}: message.text empty`);
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri;
      if (!uri) problems.push(`${where}: no location uri`);
      else if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/')) problems.push(`${where}: uri ${uri} is not relative`);
      if ((result.locations?.length ?? 0) > 1000) problems.push(`${where}: more than 1,000 locations`);
      if ((result.relatedLocations?.length ?? 0) > 1000) problems.push(`${where}: more than 1,000 related locations`);
      if (location?.region && !(location.region.startLine! >= 1)) problems.push(`${where}: region without a startLine`);
    });
  });
  return problems;
}
