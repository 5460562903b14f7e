/**
 * detectSecretsInValue: every plaintext secret in one string value of a parsed config (an env
 * value, a header, an argument, a URL, a setting), with the offsets of the secret itself.
 *
 * Order of evidence, strongest first (an overlapping weaker match is dropped):
 *   private key / JWT / provider formats (MCPS103, MCPS105, MCPS101 high) →
 *   medium-confidence provider formats → URL and connection-string passwords (MCPS104) →
 *   provider context rules (MCPS101 by name or neighbour) → the generic secret-name rule (MCPS102).
 */
import { shannonEntropy } from './entropy';
import { genericSecretConfidence } from './generic';
import { classifyName, isAuthorizationName, normaliseName, type NameClass } from './names';
import { isPlaceholder, isPlaceholderBody } from './placeholders';
import { NeedleSet } from './prefilter';
import { CONTEXT_RULES, PATTERN_RULES, PATTERN_RULES_BY_ID } from './providers';
import type { PatternRule, SecretContext, SecretMatch } from './types';
import { findKeyValuePasswords, findUrlParts, isRealPassword } from './urls';

/** Values longer than this are only searched by the provider rules. */
export const MAX_STRUCTURED_VALUE_LENGTH = 64 * 1024;

/** A match plus its rank; lower rank wins an overlap. */
export interface RankedMatch extends SecretMatch {
  rank: number;
}

const RANK_URL = 150;
const RANK_CONTEXT = 160;
const RANK_GENERIC = 200;

/** Every provider keyword, once; `KEYWORD_NEEDLES` finds them all in one pass. */
export const RULE_KEYWORDS: readonly string[] = [...new Set(PATTERN_RULES.flatMap((r) => r.keywords))];
/** Built on first use: a file scan finds the keywords in its own pass (scanText.ts) and never needs it. */
let keywordNeedles: NeedleSet | undefined;

/** The provider keywords present in `input`. */
export function presentKeywords(input: string): Set<string> {
  const present = new Set<string>();
  keywordNeedles ??= new NeedleSet(RULE_KEYWORDS.map((text) => ({ text, ci: false })));
  keywordNeedles.scan(input, (id) => {
    present.add(RULE_KEYWORDS[id]!);
  });
  return present;
}

function rankOf(rule: PatternRule, index: number): number {
  return rule.confidence === 'high' ? index : 100 + index;
}

/**
 * Runs the provider rules over `input`: those whose keyword `input` contains. `present` is
 * that set of keywords when the caller already found them (scanText does, in its own pass).
 * Anchor-only rules (ids that qualify neighbours) land in `anchors`.
 */
export function findPatternMatches(
  input: string,
  deadline = Infinity,
  present: ReadonlySet<string> = presentKeywords(input),
): { matches: RankedMatch[]; anchors: RankedMatch[]; timedOut: boolean } {
  const matches: RankedMatch[] = [];
  const anchors: RankedMatch[] = [];
  if (present.size === 0) return { matches, anchors, timedOut: false };
  const timed = deadline !== Infinity;
  for (let index = 0; index < PATTERN_RULES.length; index++) {
    if (timed && Date.now() > deadline) return { matches, anchors, timedOut: true };
    const rule = PATTERN_RULES[index]!;
    if (!rule.keywords.some((k) => present.has(k))) continue;
    const re = rule.regex;
    re.lastIndex = 0;
    for (let m = re.exec(input); m; m = re.exec(input)) {
      const group = rule.secretGroup ?? 0;
      const secretText = m[group];
      if (secretText === undefined) continue;
      const start = m.index + (group === 0 ? 0 : m[0].indexOf(secretText));
      let end = start + secretText.length;
      if (rule.extend) {
        end = rule.extend(input, start, end);
        if (end < 0) continue;
        re.lastIndex = Math.max(re.lastIndex, end);
      }
      const secret = input.slice(start, end);
      if (!rule.extend && isPlaceholderBody(secret)) continue;
      if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) continue;
      if (rule.validate && !rule.validate(secret)) continue;
      const match: RankedMatch = {
        ruleId: rule.ruleId,
        provider: rule.provider,
        providerId: rule.providerId,
        detector: rule.id,
        description: rule.description,
        start,
        end,
        confidence: rule.confidence,
        rank: rankOf(rule, index),
        ...rule.classify?.(secret),
      };
      (rule.anchorOnly ? anchors : matches).push(match);
    }
  }
  return { matches, anchors, timedOut: false };
}

/** A slice of the value that has a name of its own (`--api-key=…`, `KEY=…`, `Authorization: …`). */
interface View {
  key?: string;
  start: number;
  end: number;
  /** Query parameters named like a password are connection-string passwords (MCPS104). */
  passwordAs?: { provider: string; providerId: string };
}

const AUTH_SCHEME = /^(Bearer|Basic|Token|Bot|ApiKey|Api-Key|Key|OAuth|JWT|SSWS|GenieKey)[ \t]+/i;

function viewsOf(value: string, context: SecretContext): View[] {
  const views: View[] = [{ key: context.key, start: 0, end: value.length }];
  if (context.location === 'arg') {
    const flag = /^(--?[A-Za-z][\w.-]{0,60})=/.exec(value);
    if (flag) views.push({ key: flag[1], start: flag[0].length, end: value.length });
    const assignment = /^([A-Za-z_][A-Za-z0-9_]{0,100})=/.exec(value);
    if (assignment) views.push({ key: assignment[1], start: assignment[0].length, end: value.length });
    const prev = context.previousArg;
    if (prev && /^--?[A-Za-z]/.test(prev) && !prev.includes('=')) views[0]!.key = views[0]!.key ?? prev;
  }
  const header = /^[ \t]*([A-Za-z][\w-]{1,60})[ \t]*:[ \t]*(?=\S)/.exec(value);
  if (header && !value.startsWith(`${header[1]}://`) && (isAuthorizationName(header[1]) || classifyName(header[1]) !== 'none')) {
    views.push({ key: header[1], start: header[0].length, end: value.length });
  }
  return views;
}

function siblingHasAnchor(context: SecretContext, anchorId: string): boolean {
  const anchor = PATTERN_RULES_BY_ID.get(anchorId);
  if (!anchor || !context.siblings) return false;
  return context.siblings.some(({ value }) => {
    anchor.regex.lastIndex = 0;
    const found = anchor.regex.test(value);
    anchor.regex.lastIndex = 0;
    return found;
  });
}

function evaluateView(value: string, view: View, context: SecretContext, out: RankedMatch[]): void {
  let start = view.start;
  let end = view.end;
  while (start < end && /\s/.test(value[start]!)) start++;
  while (end > start && /\s/.test(value[end - 1]!)) end--;
  if (end - start >= 2 && /["'`]/.test(value[start]!) && value[end - 1] === value[start]) {
    start++;
    end--;
  }
  if (start >= end) return;
  let text = value.slice(start, end);
  let forced: NameClass | undefined;
  const key = view.key;

  const scheme = AUTH_SCHEME.exec(text);
  if (scheme && (isAuthorizationName(key) || /^(?:bearer|basic)$/i.test(scheme[1]!))) {
    start += scheme[0].length;
    text = value.slice(start, end);
    if (/^basic$/i.test(scheme[1]!)) {
      if (isRealBasicCredential(text)) {
        out.push({
          ruleId: 'MCPS104', provider: 'HTTP Basic auth', providerId: 'basic-auth', detector: 'basic-auth',
          description: 'username and password (HTTP Basic credentials)', start, end, confidence: 'high', rank: RANK_URL, key,
        });
      }
      return;
    }
    // A bearer credential is token68 (RFC 7235): `Bearer error="invalid_token"` is a challenge, not a token.
    if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(text)) return;
    forced = 'secret';
  }
  // Azure SAS URLs carry their credential in `sig=`.
  const nameClass = forced ?? (view.passwordAs && key === 'sig' ? 'secret' : classifyName(key));

  const normKey = key ? normaliseName(key) : '';
  for (const rule of CONTEXT_RULES) {
    // The name first (most values are under names no context rule knows), then the value, then the neighbours.
    const byKey = !!rule.key && normKey !== '' && rule.key.test(normKey);
    const mayByNeighbour = !byKey && !!rule.nearAnchor && context.siblings !== undefined && (nameClass !== 'none' || !key);
    if (!byKey && !mayByNeighbour) continue;
    if (!rule.value.test(text)) continue;
    const byNeighbour = mayByNeighbour && siblingHasAnchor(context, rule.nearAnchor!);
    if (!byKey && !byNeighbour) continue;
    if (isPlaceholder(text) || isPlaceholderBody(text)) continue;
    if (rule.entropy !== undefined && shannonEntropy(text) < rule.entropy) continue;
    out.push({
      ruleId: rule.ruleId, provider: rule.provider, providerId: rule.providerId, detector: rule.id,
      description: rule.description, start, end, confidence: byKey ? 'high' : 'medium', rank: RANK_CONTEXT, key,
    });
    return;
  }

  const confidence = genericSecretConfidence(text, nameClass);
  if (!confidence) return;
  if (view.passwordAs && nameClass === 'password') {
    out.push({
      ruleId: 'MCPS104', ...view.passwordAs, detector: 'url-password', description: `password in a ${view.passwordAs.provider} URL`,
      start, end, confidence, rank: RANK_URL, key,
    });
    return;
  }
  out.push({
    ruleId: 'MCPS102', provider: 'Generic', providerId: 'generic', detector: 'generic-secret-name',
    description: nameClass === 'password' ? 'password' : 'secret value', start, end, confidence, rank: RANK_GENERIC, key,
  });
}

function isRealBasicCredential(credential: string): boolean {
  if (!/^[A-Za-z0-9+/]{4,2048}={0,2}$/.test(credential)) return false;
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  if (/[\u0000-\u001f\ufffd]/.test(decoded)) return false;
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return isRealPassword(decoded.slice(colon + 1), decoded.slice(0, colon));
}

function urlMatches(value: string, context: SecretContext, out: RankedMatch[]): void {
  for (const part of findUrlParts(value)) {
    if (part.kind === 'query') {
      evaluateView(value, { key: part.key, start: part.start, end: part.end, passwordAs: { provider: part.provider, providerId: part.providerId } }, { ...context, siblings: undefined }, out);
      continue;
    }
    out.push({
      ruleId: 'MCPS104', provider: part.provider, providerId: part.providerId, detector: 'url-password',
      description: part.provider === 'URL' ? 'password in a URL' : `password in a ${part.provider} connection string`,
      start: part.start, end: part.end, confidence: 'high', rank: RANK_URL, key: context.key,
    });
  }
  for (const part of findKeyValuePasswords(value)) {
    out.push({
      ruleId: 'MCPS104', provider: part.provider, providerId: part.providerId, detector: 'connection-string-password',
      description: 'password in a connection string', start: part.start, end: part.end, confidence: 'high', rank: RANK_URL,
      key: context.key,
    });
  }
}

/** Keeps the best-ranked of overlapping matches, returned in text order. */
export function resolveOverlaps<T extends RankedMatch>(candidates: readonly T[]): T[] {
  const byRank = [...candidates].sort((a, b) => a.rank - b.rank || a.start - b.start || b.end - a.end);
  const kept: T[] = [];
  for (const c of byRank) {
    if (!kept.some((k) => c.start < k.end && k.start < c.end)) kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * All candidates for one value, ranked and unresolved (scanText merges them with others).
 * `withPatterns: false` skips the provider rules when the caller already ran them over a
 * larger text that contains this value.
 */
export function collectValueCandidates(value: string, context: SecretContext, withPatterns = true): RankedMatch[] {
  if (value.length === 0) return [];
  const out: RankedMatch[] = [];
  if (withPatterns) out.push(...findPatternMatches(value).matches);
  if (value.length <= MAX_STRUCTURED_VALUE_LENGTH) {
    const views = viewsOf(value, context);
    for (const view of views) evaluateView(value, view, context, out);
    urlMatches(value, context, out);
    // Name pattern matches after the setting (or the flag / header inside the value) they sit in.
    for (const m of out) {
      if (m.key !== undefined) continue;
      const holder = views.filter((v) => v.key !== undefined && v.start <= m.start && m.end <= v.end).pop();
      if (holder?.key !== undefined) m.key = holder.key;
    }
  }
  return out;
}

/**
 * Every plaintext secret in one string value. Offsets are within `value` (the decoded string;
 * see jsonOffsets.ts to map them into a JSON literal with escapes).
 */
export function detectSecretsInValue(value: string, context: SecretContext): SecretMatch[] {
  return resolveOverlaps(collectValueCandidates(value, context)).map(stripRank);
}

export function stripRank<T extends RankedMatch>(m: T): Omit<T, 'rank'> {
  const { rank: _rank, ...rest } = m;
  return rest;
}
