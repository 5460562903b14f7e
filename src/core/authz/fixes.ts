/**
 * Quick fixes for authorization findings, computed on demand from the facts of the last
 * lint of the file (the lint keeps where each handler's first statement goes). When the
 * text changed since, only the suppression fix (which needs nothing but the text) is offered.
 */
import type { Finding, ServerProject } from '../model';
import type { FixAnchor, ToolFacts } from './facts';
import { FIX_STATE } from './lint';

export interface TextEdit { offset: number; length: number; newText: string }
export interface AuthzFix { title: string; edits: TextEdit[]; isPreferred?: boolean }

/** SDK idioms, per framework: the statement(s) that deny a caller without `scope`. */
const IDIOMS: Record<FixAnchor['framework'], (ctx: string, scope: string, indent: string) => string[]> = {
  v1: (ctx, scope) => [`if (!${ctx}.authInfo?.scopes.includes('${scope}')) throw new Error('Forbidden: missing scope');`],
  v2: (ctx, scope) => [`if (!${ctx}.http?.authInfo?.scopes.includes('${scope}')) throw new Error('Forbidden: missing scope');`],
  fastmcp: (ctx) => [`if (!${ctx}.session) throw new Error('Unauthorized');`],
  py: (_ctx, scope, indent) => ['token = get_access_token()', `if token is None or "${scope}" not in token.scopes:`, `${indent}    raise PermissionError("Forbidden: missing scope ${scope}")`],
  'go-sdk': (req, scope, indent) => [`if info := ${req}.Extra.TokenInfo; info == nil || !slices.Contains(info.Scopes, "${scope}") {`, `${indent}\treturn nil, fmt.Errorf("forbidden: missing scope ${scope}")`, '}'],
  'mcp-go': (ctx, scope, indent) => [`if info := auth.TokenInfoFromContext(${ctx}); info == nil || !slices.Contains(info.Scopes, "${scope}") {`, `${indent}\treturn mcp.NewToolResultError("forbidden: missing scope ${scope}"), nil`, '}'],
};

const PY_IMPORT: Record<string, string> = {
  'fastmcp-python': 'from fastmcp.server.dependencies import get_access_token\n',
  'mcp-python': 'from mcp.server.auth.middleware.auth_context import get_access_token\n',
};

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineIndent(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

function suppressFix(finding: Finding, text: string, hash: '#' | '//'): AuthzFix {
  const at = lineStartOf(text, finding.range.start.offset);
  const indent = lineIndent(text, finding.range.start.offset);
  return {
    title: `Suppress ${finding.ruleId} for '${finding.tool ?? 'this line'}' (with a reason)`,
    edits: [{ offset: at, length: 0, newText: `${indent}${hash} mcp-secure-ignore ${finding.ruleId} <reason: why this tool needs no per-caller check>\n` }],
  };
}

function insertStatement(anchor: FixAnchor, text: string, lines: string[]): TextEdit {
  // The first line takes the anchor's indentation; idiom lines after it carry their own relative indentation.
  const joined = lines.map((l, i) => (i === 0 || !l.startsWith(anchor.indent) ? `${anchor.indent}${l}` : l)).join('\n');
  const inline = text[anchor.insertOffset - 1] === '{' && text[anchor.insertOffset] !== '\n';
  return { offset: anchor.insertOffset, length: 0, newText: inline ? `\n${joined}\n${anchor.lineIndent}` : `${joined}\n` };
}

function findTool(finding: Finding): { tool: ToolFacts; visible: string[] } | undefined {
  const state = FIX_STATE.get(finding.file);
  if (!state) return undefined;
  const tool = state.facts.tools.find((t) => t.name === finding.tool && t.nameRange.start.offset === finding.range.start.offset)
    ?? state.facts.tools.find((t) => t.name === finding.tool);
  if (!tool) return undefined;
  return { tool, visible: state.facts.visibleNames };
}

/** Fixes for one authorization finding, for the document text it was computed on. */
export function authzFixes(finding: Finding, text: string, project: ServerProject): AuthzFix[] {
  const comment: '#' | '//' = finding.file.endsWith('.py') ? '#' : '//';
  const fixes: AuthzFix[] = [];
  const state = FIX_STATE.get(finding.file);
  const fresh = state !== undefined && state.text === text;
  const found = fresh ? findTool(finding) : undefined;
  if (found && finding.ruleId === 'MCPS201' && found.tool.fix) {
    const anchor = found.tool.fix;
    const scope = `${finding.tool}:call`;
    const ctx = anchor.contextParam ?? (anchor.lang === 'go' ? 'ctx' : 'extra');
    const param: TextEdit[] = anchor.addParam ? [{ offset: anchor.addParam.offset, length: 0, newText: anchor.addParam.text }] : [];
    // The project's own helper, when one is visible here: `requireScope(extra, 'x')`.
    const helper = projectHelper(project, found.visible, anchor);
    if (helper) {
      fixes.push({
        title: `Add '${helper}(${ctx}, '${scope}')' to '${finding.tool}'`,
        edits: [...param, insertStatement(anchor, text, [`${helper}(${ctx}, '${scope}');`])],
        isPreferred: true,
      });
    }
    const idiom = IDIOMS[anchor.framework](ctx, scope, anchor.indent);
    const edits: TextEdit[] = [...param, insertStatement(anchor, text, idiom)];
    if (anchor.lang === 'py' && !/\bget_access_token\b/.test(text)) {
      edits.push({ offset: importOffset(text), length: 0, newText: PY_IMPORT[project.framework] ?? PY_IMPORT['mcp-python']! });
    }
    fixes.push({ title: `Add a scope check ('${scope}') to '${finding.tool}'`, edits, isPreferred: !helper });
  }
  if (finding.ruleId === 'MCPS202' && finding.related?.[0]) {
    const r = finding.related[0].range;
    const stmt = text.slice(r.start.offset, r.end.offset);
    const replaced = comment === '#'
      ? stmt.replace(/^if\s+(.+?)\s+is\s+not\s+None\s+and\s+/, 'if $1 is None or ').replace(/^if\s+(?!not\s)([\w.()]+)\s+and\s+/, 'if not $1 or ')
      : stmt.replace(/^if\s*\(\s*([\w.?]+)\s*&&\s*/, 'if (!$1 || ');
    if (replaced !== stmt) fixes.push({ title: 'Deny when the token is missing', edits: [{ offset: r.start.offset, length: stmt.length, newText: replaced }], isPreferred: true });
  }
  if (finding.ruleId === 'MCPS203' && finding.related?.[0]) {
    const r = finding.related[0].range;
    const start = lineStartOf(text, r.start.offset);
    const end = text.indexOf('\n', r.end.offset);
    const line = text.slice(start, end < 0 ? text.length : end + 1);
    const defMatch = /^[ \t]*(async[ \t]+)?def[ \t]/m.exec(text.slice(r.end.offset));
    if (defMatch) {
      const defAt = r.end.offset + defMatch.index;
      fixes.push({
        title: 'Move the decorator below the tool decorator',
        edits: [{ offset: start, length: line.length, newText: '' }, { offset: defAt, length: 0, newText: line.endsWith('\n') ? line : `${line}\n` }],
        isPreferred: true,
      });
    }
  }
  if (finding.tool || finding.ruleId.startsWith('MCPS2')) fixes.push(suppressFix(finding, text, comment));
  return fixes;
}

function importOffset(text: string): number {
  // After the last top-level import line (or at the top).
  let offset = 0;
  const re = /^(from\s+\S+\s+import\s+[^\n(]+|import\s+[^\n]+)\n/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) offset = m.index + m[0].length;
  return offset;
}

/** A project helper that takes the request context and a scope, visible in this file. */
function projectHelper(project: ServerProject, visible: string[], anchor: FixAnchor): string | undefined {
  if (anchor.lang !== 'ts') return undefined;
  for (const [, state] of FIX_STATE) {
    if (state.project.root !== project.root) continue;
    for (const fn of state.facts.functions) {
      if (!fn.anyCheck || fn.anyFailOpen || fn.params.length < 2 || !visible.includes(fn.name)) continue;
      if (/scope/i.test(fn.name) || /scope/i.test(fn.params[1] ?? '')) return fn.name;
    }
  }
  return undefined;
}
