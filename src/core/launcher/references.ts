/**
 * Resolution of `keyring://<service>/<account>` references for the launcher.
 *
 * What is resolved (and nothing else, so a literal value can never be mangled):
 *   - an environment variable whose whole value is a reference;
 *   - an argument that is a reference as a whole, or `--flag=<reference>` (the two forms the
 *     migration engine writes; the server then receives the value in argv, as it did before
 *     the migration, so env is preferred);
 *   - a bridge header value that is a reference, or `<scheme word> <reference>`
 *     (`Bearer keyring://…`), and the bridge URL when it is a reference as a whole.
 *
 * Fail closed: every problem is collected and reported together, by name and reference (never
 * a value); the caller must not start anything when `problems` is non-empty.
 */
import { KeychainError, parseKeyringReference } from '../keychain/keychain';

export const REFERENCE_PREFIX = 'keyring://';

/** Reads one entry; `null` when absent. Keychain.get has this shape (account, service). */
export type SecretReader = (account: string, service: string) => Promise<string | null>;

export interface ParsedReference {
  service: string;
  account: string;
  reference: string;
}

/** A whole-value reference, or undefined. Throws nothing (a malformed one is `invalid`). */
export function parseReference(value: string): ParsedReference | 'invalid' | undefined {
  if (!value.startsWith(REFERENCE_PREFIX)) return undefined;
  let parsed: { service: string; account: string } | undefined;
  try {
    parsed = parseKeyringReference(value);
  } catch {
    parsed = undefined; // a malformed %-escape in the service
  }
  return parsed && parsed.account.length > 0 ? { ...parsed, reference: value } : 'invalid';
}

/** Where a reference was found, for messages: `GITHUB_TOKEN`, `argument 3`, `header Authorization`. */
export interface ReferenceSite {
  label: string;
  reference: string;
}

export type ProblemKind = 'missing' | 'empty' | 'invalid' | 'keychain';

export interface ResolveProblem {
  kind: ProblemKind;
  sites: ReferenceSite[];
  /** One line, without the `mcp-secure run:` prefix; names sites and references, never a value. */
  message: string;
}

/** Looks each distinct reference up once and remembers the values it saw (for redaction). */
export class ReferenceResolver {
  private readonly cache = new Map<string, Promise<string | KeychainError | null>>();
  private readonly pending: Array<{ site: ReferenceSite; parsed: ParsedReference | 'invalid' }> = [];
  /** Every resolved value, so callers can scrub them from any text they print. */
  readonly values = new Set<string>();

  constructor(private readonly read: SecretReader) {}

  private lookup(parsed: ParsedReference): Promise<string | KeychainError | null> {
    const key = `${parsed.service}\u0000${parsed.account}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.read(parsed.account, parsed.service).then(
        (value) => value,
        (error: unknown) =>
          error instanceof KeychainError
            ? error
            : new KeychainError('unknown', `The OS keychain failed: ${error instanceof Error ? error.message : String(error)}.`, 'Check that your keychain works and try again.'),
      );
      this.cache.set(key, found);
    }
    return found;
  }

  /** Resolves one reference; undefined (and a problem recorded) when it cannot be resolved. */
  private async resolveWhole(site: ReferenceSite, parsed: ParsedReference | 'invalid'): Promise<string | undefined> {
    this.pending.push({ site, parsed });
    if (parsed === 'invalid') return undefined;
    const result = await this.lookup(parsed);
    if (typeof result === 'string' && result.length > 0) {
      this.values.add(result);
      return result;
    }
    return undefined;
  }

  /** An environment: every variable whose whole value is a reference. */
  async resolveEnv(env: Readonly<Record<string, string | undefined>>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) continue;
      const parsed = parseReference(value);
      if (parsed === undefined) {
        out[name] = value;
        continue;
      }
      out[name] = (await this.resolveWhole({ label: name, reference: value }, parsed)) ?? '';
    }
    return out;
  }

  /** Arguments: a whole-argument reference, or `--flag=<reference>`. */
  async resolveArgs(args: readonly string[], firstIndex = 1): Promise<string[]> {
    const out: string[] = [];
    for (const [i, arg] of args.entries()) {
      const label = `argument ${i + firstIndex}`;
      const whole = parseReference(arg);
      if (whole !== undefined) {
        out.push((await this.resolveWhole({ label, reference: arg }, whole)) ?? '');
        continue;
      }
      const flag = /^(--?[^=\s]+=)(keyring:\/\/.*)$/.exec(arg);
      if (flag) {
        const reference = flag[2]!;
        const value = await this.resolveWhole({ label: `${label} (${flag[1]!.slice(0, -1)})`, reference }, parseReference(reference)!);
        out.push(`${flag[1]!}${value ?? ''}`);
        continue;
      }
      out.push(arg);
    }
    return out;
  }

  /** A header value: a whole reference, or `<scheme word> <reference>` such as `Bearer keyring://…`. */
  async resolveHeader(name: string, value: string): Promise<string> {
    const label = `header ${name}`;
    const whole = parseReference(value);
    if (whole !== undefined) return (await this.resolveWhole({ label, reference: value }, whole)) ?? '';
    const scheme = /^([A-Za-z][\w.-]*\s+)(keyring:\/\/\S+)$/.exec(value);
    if (scheme) {
      const reference = scheme[2]!;
      const resolved = await this.resolveWhole({ label, reference }, parseReference(reference)!);
      return `${scheme[1]!}${resolved ?? ''}`;
    }
    return value;
  }

  /** A URL that is a reference as a whole (plain URLs come back unchanged). */
  async resolveUrl(value: string): Promise<string> {
    const whole = parseReference(value);
    if (whole === undefined) return value;
    return (await this.resolveWhole({ label: 'the bridge URL', reference: value }, whole)) ?? '';
  }

  /** Every problem met so far; empty means everything resolved. */
  async problems(): Promise<ResolveProblem[]> {
    const missing: ReferenceSite[] = [];
    const empty: ReferenceSite[] = [];
    const invalid: ReferenceSite[] = [];
    const failures = new Map<string, { error: KeychainError; sites: ReferenceSite[] }>();
    for (const { site, parsed } of this.pending) {
      if (parsed === 'invalid') {
        invalid.push(site);
        continue;
      }
      const result = await this.lookup(parsed);
      if (result === null) missing.push(site);
      else if (result === '') empty.push(site);
      else if (result instanceof KeychainError) {
        const key = `${result.failure}:${result.reason}`;
        const group = failures.get(key) ?? { error: result, sites: [] };
        group.sites.push(site);
        failures.set(key, group);
      }
    }
    const problems: ResolveProblem[] = [];
    for (const site of invalid) {
      problems.push({
        kind: 'invalid',
        sites: [site],
        message: `${site.label} is set to ${quoteRef(site.reference)}, which is not a valid reference (expected keyring://<service>/<account>). Fix the config entry.`,
      });
    }
    for (const site of missing) {
      const parsed = parseReference(site.reference) as ParsedReference;
      problems.push({
        kind: 'missing',
        sites: [site],
        message:
          `${site.label} refers to ${site.reference}, which is not in the OS keychain ` +
          `(no entry with service "${parsed.service}" and account "${parsed.account}"). ` +
          `See what is stored with \`mcp-secure keychain list --service ${shellWord(parsed.service)}\`; ` +
          `store the value again with \`mcp-secure keychain set ${shellWord(site.reference)}\` (reads it from stdin) or re-run \`mcp-secure migrate\` on the config.`,
      });
    }
    for (const site of empty) {
      problems.push({
        kind: 'empty',
        sites: [site],
        message: `${site.label} refers to ${site.reference}, whose keychain entry is empty. Store the value again with \`mcp-secure keychain set ${shellWord(site.reference)}\`.`,
      });
    }
    for (const { error, sites } of failures.values()) {
      const what = sites.map((s) => `${s.label} (${s.reference})`).join(', ');
      problems.push({ kind: 'keychain', sites, message: `cannot read ${what}: ${error.reason} ${error.fix}` });
    }
    return problems;
  }

  /** True when at least one reference was met (the keychain is needed at all). */
  get sawReferences(): boolean {
    return this.pending.length > 0;
  }
}

/** True when any value of the environment or any argument would need the keychain. */
export function needsKeychain(env: Readonly<Record<string, string | undefined>>, args: readonly string[] = [], extra: readonly string[] = []): boolean {
  return (
    Object.values(env).some((v) => v !== undefined && v.startsWith(REFERENCE_PREFIX)) ||
    args.some((a) => a.startsWith(REFERENCE_PREFIX) || /^--?[^=\s]+=keyring:\/\//.test(a)) ||
    extra.some((v) => v.includes(REFERENCE_PREFIX))
  );
}

/** Replaces every known secret value in `text` by `[redacted]` (longest first). */
export function scrub(text: string, values: Iterable<string>): string {
  const sorted = [...values].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of sorted) out = out.split(value).join('[redacted]');
  return out;
}

function quoteRef(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

/** A word safe to paste into a POSIX shell (references have no spaces, but may have `&` etc.). */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
