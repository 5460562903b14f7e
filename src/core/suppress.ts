/**
 * Inline suppressions: `// mcp-secure-ignore MCPS201 reason` (or `#` in Python, TOML, YAML,
 * .env) on the line above a finding. A reason is required; a suppression without one does
 * not suppress, and the finding says why.
 */
import type { Finding } from './model';
import { LineStarts } from './util/positions';

export interface Suppression {
  /** 1-based line of the comment. */
  line: number;
  /** The line it applies to: the first line after it that is not itself a comment. */
  target: number;
  ruleIds: string[];
  reason: string;
}

const DIRECTIVE = /(?:^|\s)(?:\/\/|#|\/\*|<!--|--|;)\s*mcp-secure-ignore\b(.*)$/;
const COMMENT_LINE = /^\s*(?:\/\/|#|\/\*|\*|<!--|--|;)/;
/** A quick fix's `<reason: …>` template is not a reason until the user replaces it. */
const PLACEHOLDER_REASON = /^<[^>]*>$/;

export function findSuppressions(text: string): Suppression[] {
  if (!text.includes('mcp-secure-ignore')) return [];
  const lines = new LineStarts(text);
  const found: Suppression[] = [];
  for (let line = 1; line <= lines.lineCount; line++) {
    const content = lines.lineText(line);
    const match = DIRECTIVE.exec(content);
    if (!match || !COMMENT_LINE.test(content)) continue;
    const rest = match[1]!.replace(/\*\/\s*$|-->\s*$/, '').trim();
    const ids = /^(MCPS\d{3}(?:\s*,\s*MCPS\d{3})*)\s*(.*)$/.exec(rest);
    let target = line + 1;
    while (target <= lines.lineCount && COMMENT_LINE.test(lines.lineText(target))) target++;
    found.push({
      line,
      target,
      ruleIds: ids ? ids[1]!.split(',').map((s) => s.trim()) : [],
      reason: ids ? ids[2]!.trim() : rest,
    });
  }
  return found;
}

/** Splits findings of one file into those that stand and those suppressed with a reason. */
export function applySuppressions(findings: readonly Finding[], text: string): { kept: Finding[]; suppressed: Finding[] } {
  const suppressions = findSuppressions(text);
  if (suppressions.length === 0) return { kept: [...findings], suppressed: [] };
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    const match = suppressions.find((s) => s.target === finding.range.start.line && s.ruleIds.includes(finding.ruleId));
    if (!match) kept.push(finding);
    else if (match.reason.length === 0 || PLACEHOLDER_REASON.test(match.reason)) {
      const what = match.reason.length === 0 ? 'has no reason' : 'still has the placeholder instead of a reason';
      kept.push({ ...finding, message: `${finding.message} (the mcp-secure-ignore on line ${match.line} ${what}, so it does not apply)` });
    } else suppressed.push({ ...finding, suppression: { line: match.line, reason: match.reason } });
  }
  return { kept, suppressed };
}
