/**
 * Secret findings for one file: a parsed client config (every env value, header, arg and URL
 * of every server), a dotenv file, or an MCP server's source. Pure: text in, findings out.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ClientConfig, ConfigServer, Finding, FindingSeverity, Located, LocatedEntry, SourceRange } from '../model';
import { RULES_BY_ID } from '../rules';
import { detectSecretsInValue, mapDecodedRange, scanTextForSecrets, secretMessage, redactSecret } from '../secrets';
import type { SecretContext, SecretMatch, TextKind } from '../secrets';
import { LineStarts } from '../util/positions';

export interface FindingContext {
  /** The scanned root; fingerprints use paths relative to it, so they survive moving the checkout. */
  root: string;
}

/**
 * A stable identity that never contains secret material: the rule, the file, where in the
 * file (the config path or env key, not the line) and the provider. Survives line moves.
 */
export function findingFingerprint(ruleId: string, root: string, file: string, locator: string, providerId: string): string {
  const rel = path.relative(root, file).split(path.sep).join('/');
  return createHash('sha256').update([ruleId, rel, locator, providerId].join('\u0000')).digest('hex').slice(0, 32);
}

/** Appended to every secret finding's message; git exposure replaces it with a stronger one. */
export const REMEDY = ' Move it to the OS keychain.';

function severityOf(ruleId: string): FindingSeverity {
  return RULES_BY_ID.get(ruleId)?.defaultSeverity ?? 'warning';
}

function secretFinding(
  match: SecretMatch,
  secret: string,
  file: string,
  range: SourceRange,
  location: string,
  fingerprint: string,
): Finding {
  return {
    ruleId: match.ruleId,
    category: 'secret',
    severity: severityOf(match.ruleId),
    file,
    range,
    message: secretMessage(match, secret) + REMEDY,
    secret: {
      // DESIGN.md's scan JSON contract: the provider's stable lowercase id ("github"), not its
      // display name; the message already names the provider for people.
      provider: match.providerId,
      redacted: redactSecret(secret),
      location,
      ...(match.key ? { key: match.key } : {}),
    },
    fingerprint,
  };
}

/** Where a value's decoded [start, end) sits in the file, given the literal's range. */
function rangeInLiteral(lines: LineStarts, literal: SourceRange, start: number, end: number): SourceRange {
  const raw = lines.text.slice(literal.start.offset, literal.end.offset);
  const quoted = raw.startsWith('"') || raw.startsWith("'");
  const mapped = quoted ? mapDecodedRange(raw, start, end) : { start, end };
  return lines.range(literal.start.offset + mapped.start, literal.start.offset + mapped.end);
}

/**
 * A finding together with the value it is about. Stays inside the core (git exposure needs the
 * value to search history); everything that leaves the core is a Finding alone.
 */
export interface SecretHit {
  finding: Finding;
  secret: string;
}

/**
 * Detection results per value and context. While the user types in a large config, almost
 * every value is unchanged between two scans; only the edited one is detected again. The
 * outer key is the block's siblings (pair rules look at them), the inner one the value.
 */
const DETECTED = new Map<string, Map<string, readonly SecretMatch[]>>();
let detectedCount = 0;
const DETECTED_LIMIT = 20_000;

function detectCached(value: string, context: SecretContext, siblingsKey: string): readonly SecretMatch[] {
  let block = DETECTED.get(siblingsKey);
  const key = `${context.location}\u0000${context.key ?? ''}\u0000${context.previousArg ?? ''}\u0000${value}`;
  const known = block?.get(key);
  if (known) return known;
  const matches = detectSecretsInValue(value, context);
  if (detectedCount >= DETECTED_LIMIT) {
    DETECTED.clear();
    detectedCount = 0;
  }
  if (!block) DETECTED.set(siblingsKey, (block = new Map()));
  block.set(key, matches);
  detectedCount++;
  return matches;
}

export function findSecretsInConfig(config: ClientConfig, text: string, context: FindingContext): SecretHit[] {
  const lines = new LineStarts(text);
  return config.servers.flatMap((server) => findSecretsInServer(config.path, server, lines, context));
}

/** The secret findings of one server entry of a config; `lines` indexes the config's text. */
export function findSecretsInServer(file: string, server: ConfigServer, lines: LineStarts, context: FindingContext): SecretHit[] {
  const findings: SecretHit[] = [];
  const report = (value: string, literal: SourceRange, secretContext: SecretContext, locator: string, siblingsKey = '') => {
    for (const match of detectCached(value, secretContext, siblingsKey)) {
      const secret = value.slice(match.start, match.end);
      const finding = secretFinding(
        match,
        secret,
        file,
        rangeInLiteral(lines, literal, match.start, match.end),
        secretContext.location,
        findingFingerprint(match.ruleId, context.root, file, `${locator}#${match.start === 0 ? '' : match.key ?? ''}`, match.providerId),
      );
      findings.push({ finding, secret });
    }
  };
  const entries = (list: readonly LocatedEntry[], location: 'env' | 'header', base: string) => {
    const siblings = list.filter((e) => e.isString).map((e) => ({ key: e.key, value: e.value }));
    const siblingsKey = siblings.map((e) => `${e.key}=${e.value}`).join('\u0000');
    for (const entry of list) {
      if (entry.isString) report(entry.value, entry.range, { key: entry.key, location, siblings }, `${base}/${entry.key}`, siblingsKey);
    }
  };
  const base = server.path.join('/');
  entries(server.env, 'env', `${base}/env`);
  entries(server.headers, 'header', `${base}/headers`);
  server.args.forEach((arg: Located, index) => {
    report(arg.value, arg.range, { location: 'arg', previousArg: server.args[index - 1]?.value }, `${base}/args/${index}`);
  });
  if (server.url) report(server.url.value, server.url.range, { location: 'url' }, `${base}/url`);
  if (server.command) report(server.command.value, server.command.range, { location: 'arg' }, `${base}/command`);
  return findings;
}

/** Dotenv files and server source: the engine scans the whole text. */
export function findSecretsInText(
  file: string,
  text: string,
  kind: TextKind,
  context: FindingContext & { gitignored?: boolean },
): SecretHit[] {
  const lines = new LineStarts(text);
  const occurrences = new Map<string, number>();
  return scanTextForSecrets(text, kind).map((match) => {
    const start = lines.lineStart(match.line) + match.column - 1;
    const end = lines.lineStart(match.endLine) + match.endColumn - 1;
    const secret = text.slice(start, end);
    const key = match.key ?? '';
    const seen = occurrences.get(`${match.ruleId}:${key}`) ?? 0;
    occurrences.set(`${match.ruleId}:${key}`, seen + 1);
    const finding = secretFinding(
      match,
      secret,
      file,
      lines.range(start, end),
      kind,
      findingFingerprint(match.ruleId, context.root, file, `${key}#${seen}`, match.providerId),
    );
    // A gitignored .env is where local secrets are meant to live; still plaintext, less urgent.
    if (kind === 'dotenv' && context.gitignored && finding.severity === 'error') finding.severity = 'warning';
    return { finding, secret };
  });
}
