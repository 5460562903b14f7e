/**
 * The plaintext-secret detection engine: pure, synchronous, no I/O.
 *
 *   detectSecretsInValue(value, { key, location, previousArg, siblings })  one parsed config value
 *   scanTextForSecrets(text, 'dotenv' | 'source' | 'plain')                 a whole file
 *   scanBytesForSecrets(bytes, kind)                                        the same over a file's bytes
 *   secretFingerprint(ruleId, secret, salt)                                 stable, non-revealing id
 *   secretMessage(match, secret) / redactSecret(secret)                     safe text for reports
 *   mapDecodedRange(rawLiteral, start, end)                                 decoded → raw JSON offsets
 */
export { detectSecretsInValue } from './detect';
export {
  scanBytesForSecrets,
  scanBytesForSecretsDetailed,
  scanTextForSecrets,
  scanTextForSecretsDetailed,
  type ScanTextOptions,
  type ScanTextResult,
  type TextKind,
} from './scanText';
export { secretFingerprint } from './fingerprint';
export { secretMessage, redactSecret } from './messages';
export { decodedToRawOffsets, mapDecodedRange } from './jsonOffsets';
export { classifyName, type NameClass } from './names';
export { isPlaceholder, isReference } from './placeholders';
export { PATTERN_RULES, CONTEXT_RULES } from './providers';
export type {
  SecretContext,
  SecretLocation,
  SecretMatch,
  SecretRuleId,
  SecretConfidence,
  TextSecretMatch,
  PatternRule,
  ContextRule,
} from './types';
