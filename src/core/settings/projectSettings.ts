/**
 * `.mcp-secure.json` (JSONC) at a workspace root: project-level settings shared by the CLI
 * and the extension.
 *
 *   {
 *     "ignore": ["fixtures/**", "docs/examples/"],        // gitignore-style, relative to the root
 *     "severity": { "MCPS102": "warning", "MCPS201": "off" },
 *     "authorizationFunctions": ["requireScope", "assert_admin"]
 *   }
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { FileProblem, FindingSeverity } from '../model';
import { offsetToPosition } from '../util/positions';

export type SeverityOverride = FindingSeverity | 'off';

export interface ProjectSettings {
  ignore: string[];
  severity: Record<string, SeverityOverride>;
  authorizationFunctions: string[];
}

export const PROJECT_SETTINGS_FILE = '.mcp-secure.json';

export const DEFAULT_PROJECT_SETTINGS: ProjectSettings = { ignore: [], severity: {}, authorizationFunctions: [] };

const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'off']);

/** Parses the file's text; unknown keys and wrong types become problems, never exceptions. */
export function parseProjectSettings(text: string, file: string): { settings: ProjectSettings; problems: FileProblem[] } {
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const problems: FileProblem[] = errors.map((e) => {
    const start = offsetToPosition(text, e.offset);
    const end = offsetToPosition(text, e.offset + e.length);
    return { file, severity: 'error', message: `${printParseErrorCode(e.error)} at ${start.line}:${start.column}`, range: { start, end } };
  });
  const settings: ProjectSettings = { ignore: [], severity: {}, authorizationFunctions: [] };
  if (raw === undefined || raw === null) return { settings, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ file, severity: 'error', message: `${PROJECT_SETTINGS_FILE} must hold an object` });
    return { settings, problems };
  }
  const record = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    switch (key) {
      case 'ignore':
      case 'authorizationFunctions':
        if (Array.isArray(value) && value.every((v) => typeof v === 'string')) settings[key] = value as string[];
        else problems.push({ file, severity: 'error', message: `"${key}" must be a list of strings` });
        break;
      case 'severity':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [ruleId, level] of Object.entries(value as Record<string, unknown>)) {
            if (!/^MCPS\d{3}$/.test(ruleId)) problems.push({ file, severity: 'error', message: `"severity": "${ruleId}" is not a rule id (MCPSxxx)` });
            else if (typeof level !== 'string' || !SEVERITIES.has(level)) problems.push({ file, severity: 'error', message: `"severity.${ruleId}" must be one of error, warning, info, off` });
            else settings.severity[ruleId] = level as SeverityOverride;
          }
        } else problems.push({ file, severity: 'error', message: '"severity" must be an object of rule id → level' });
        break;
      case '$schema':
        break;
      default:
        problems.push({ file, severity: 'error', message: `Unknown setting "${key}" (known: ignore, severity, authorizationFunctions)` });
    }
  }
  return { settings, problems };
}
