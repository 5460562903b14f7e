/**
 * Shapes shared by the secret-detection engine: where a value sits, what a match says, and
 * the rule table's row type. Offsets are UTF-16 indexes into the string that was scanned.
 */

/** Where a string value came from; it changes which context rules apply. */
export type SecretLocation = 'env' | 'header' | 'arg' | 'url' | 'setting' | 'dotenv' | 'source';

/** The secret rule ids (see src/core/rules.ts and docs/rules/). */
export type SecretRuleId = 'MCPS101' | 'MCPS102' | 'MCPS103' | 'MCPS104' | 'MCPS105';

export type SecretConfidence = 'high' | 'medium';

export interface SecretContext {
  /** The env var / header / setting / query parameter name the value belongs to. */
  key?: string;
  location: SecretLocation;
  /** For `arg` values: the argument before this one (`--token`, `-H`, ...). */
  previousArg?: string;
  /**
   * Other entries of the same block (the rest of an env map or headers map). Lets pair rules
   * fire: an AWS secret access key next to an `AKIA…` id, a Twilio auth token next to an `AC…` sid.
   */
  siblings?: ReadonlyArray<{ key?: string; value: string }>;
}

export interface SecretMatch {
  ruleId: SecretRuleId;
  /** Display name: 'GitHub', 'OpenAI', 'PostgreSQL', 'Generic'. */
  provider: string;
  /** Stable lowercase id: 'github', 'openai', 'postgres', 'generic'. */
  providerId: string;
  /** The detector row that fired (`github-pat`, `generic-secret-name`...). */
  detector: string;
  /** What was found, for messages: 'GitHub personal access token'. Never contains the value. */
  description: string;
  /** [start, end) of the secret itself within the scanned string. */
  start: number;
  end: number;
  confidence: SecretConfidence;
  /** The setting name it is the value of, when known (env name, header, flag, query parameter). */
  key?: string;
}

export interface TextSecretMatch extends SecretMatch {
  /** 1-based, like the rest of the model. `endColumn` is exclusive (the column after the last char). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * A pattern rule: a provider's token format, found anywhere in a string.
 *
 * Regex discipline (checked by test/core/secrets.safety.test.ts): JavaScript syntax, flag `g`
 * only (no inline modifiers), every quantifier bounded, and a leading negative look-behind on the
 * token's own alphabet so a match can only start where a token starts: that keeps a scan linear
 * on long runs of token characters.
 */
export interface PatternRule {
  id: string;
  ruleId: SecretRuleId;
  provider: string;
  providerId: string;
  description: string;
  regex: RegExp;
  /**
   * Literal text, case-sensitive, at least one of which every match contains; the regex only
   * runs over an input that contains one (prefilter.ts finds them all in one pass).
   */
  keywords: readonly string[];
  /** Minimum Shannon entropy (bits per char) of the secret. */
  entropy?: number;
  /** Capture group holding the secret; the whole match when absent. */
  secretGroup?: number;
  confidence: SecretConfidence;
  /** Extra check on the secret (decode a JWT header...). */
  validate?: (secret: string) => boolean;
  /** Names a more specific provider for some matches (a Supabase service-role JWT). */
  classify?: (secret: string) => Partial<Pick<SecretMatch, 'provider' | 'providerId' | 'description'>> | undefined;
  /** Some formats need more than a regex (a PEM block runs to its END line). Returns the secret's end, or -1. */
  extend?: (input: string, start: number, end: number) => number;
  /** A match is context only (an AWS key id, a Twilio account SID): used by pair rules, never reported. */
  anchorOnly?: boolean;
  /** Samples with `<<class:n>>` holes, expanded by samples.ts; each must produce a match. */
  tps: readonly string[];
  /** Text that must not produce a match of this rule. */
  fps: readonly string[];
}

/**
 * A context rule: a value with no distinctive prefix (AWS secret access key, Datadog keys,
 * Twilio auth token) that belongs to a provider because of the name it sits under, or
 * because the provider's id sits next to it.
 */
export interface ContextRule {
  id: string;
  ruleId: SecretRuleId;
  provider: string;
  providerId: string;
  description: string;
  /** Matched against the whole (trimmed) value. */
  value: RegExp;
  /** Matched against the normalised key (lowercase words joined by `_`). */
  key?: RegExp;
  /** Pattern-rule id whose match in a sibling value (or within a few lines of text) qualifies the value. */
  nearAnchor?: string;
  entropy?: number;
  /** Samples: dotenv-style text (`KEY=value` lines), with `<<class:n>>` holes. */
  tps: readonly string[];
  fps: readonly string[];
}
