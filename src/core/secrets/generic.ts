/**
 * The context-aware generic rule: a literal under a secret's name (`*_TOKEN`, `*_SECRET`,
 * `*PASSWORD*`, `Authorization`, `--api-key`...) that looks random enough to be a real value.
 * Decides on the value alone; the caller decides whether the name is secret (names.ts).
 */
import { charClassCount, shannonEntropy } from './entropy';
import { decodeJwt } from './jwt';
import type { NameClass } from './names';
import { isPlaceholder, isReference } from './placeholders';
import type { SecretConfidence } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shapes that are never a credential, whatever the name says. */
export function isBenignValue(v: string): boolean {
  if (/\s/.test(v)) return true; // sentences, ssh-rsa public keys, PEM public keys and certificates
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return true; // URLs (their credentials are urls.ts's job)
  if (/^(?:\/|~[/\\]|\.{1,2}[/\\]|[A-Za-z]:[/\\]|\\\\)/.test(v)) return true; // paths
  if (/[/\\][\w.-]+\.[A-Za-z][A-Za-z0-9]{0,5}$/.test(v) && !/[+=]/.test(v)) return true; // dir/file.ext
  if (/^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/.test(v)) return true; // email
  if (/^[+-]?\d+(?:[.,:]\d+)*$/.test(v)) return true; // numbers, versions, times
  if (/^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/.test(v)) return true; // semver
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$/.test(v)) return true; // dates
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return true; // ENV_VAR_NAME (a name, not a value)
  if (/^[a-z]+(?:[-_.][a-z0-9]+)+$/.test(v)) return true; // kebab/snake/dotted words, host names
  if (/^[a-z]+(?:[A-Z][a-z]+)+\d{0,4}$/.test(v) || /^(?:[A-Z][a-z]+){2,}\d{0,4}$/.test(v)) return true; // camelCase / PascalCase words
  if (/^[[{]/.test(v)) return true; // JSON
  if (/^(?:sha\d{1,3}|md5|sha)[-:=]/i.test(v)) return true; // integrity hashes
  if (/[^\x20-\x7e]/.test(v)) return true; // non-ASCII text (messages, translations)
  if (/[A-Za-z_$][\w$]*\(/.test(v)) return true; // code: a call such as fs.readFileSync(…)
  if (/\(\?[:=!<]|\\[dswbDSWB]|\[\^|\]\{\d/.test(v)) return true; // a regular expression
  return isIdentifierLike(v);
}

/**
 * Names and identifiers: every alphabetic chunk (split at case changes, digits and
 * punctuation) has 3+ letters, as in `platformAuthDOMGetToken`, `msal:acquireTokenStart`,
 * `Access-Control-Allow-Origin`. Random tokens always have short chunks (`aZ`, `k9Q`).
 */
export function isIdentifierLike(v: string): boolean {
  const chunks = v
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)|(\d)([A-Za-z])/g, '$1$3 $2$4')
    .split(/[^A-Za-z0-9]+/)
    .filter((c) => c.length > 0);
  if (chunks.length < 2) return false;
  return chunks.every((c) => (/^[A-Za-z]+$/.test(c) ? c.length >= 3 : /^\d{1,4}$/.test(c)));
}

export function isUuid(v: string): boolean {
  return UUID.test(v);
}

/**
 * Whether `value`, found under a name of class `nameClass`, is a plaintext secret; returns
 * the confidence, or undefined for "no".
 */
/** The shortest value the generic rule reports under a name of this class. */
const minLength = (nameClass: 'password' | 'secret') => (nameClass === 'password' ? 8 : 16);

export function genericSecretConfidence(value: string, nameClass: NameClass): SecretConfidence | undefined {
  if (nameClass === 'none') return undefined;
  const v = value.trim();
  // Shorter than any value that passes below (a UUID is 36), so the checks before it can be skipped.
  if (v.length < minLength(nameClass) || v.length > 4096) return undefined;
  if (isReference(v)) return undefined;
  // JWTs are the JWT rule's call: an unsigned or Supabase `anon` token is not a secret here either.
  if (v.startsWith('eyJ') && decodeJwt(v)) return undefined;
  // API keys are often UUIDs (Exa, Heroku legacy); only a secret name makes one a secret.
  if (isUuid(v)) return nameClass === 'secret' && !isPlaceholder(v) ? 'medium' : undefined;
  if (isBenignValue(v)) return undefined;
  const entropy = shannonEntropy(v);
  const classes = charClassCount(v);
  let confidence: SecretConfidence;
  if (nameClass === 'password') {
    if (v.length < minLength(nameClass) || classes < 2 || entropy < 2.5) return undefined;
    confidence = v.length >= 16 && entropy >= 3.5 ? 'high' : 'medium';
  } else {
    if (v.length < minLength(nameClass) || classes < 2 || entropy < 3) return undefined;
    confidence = v.length >= 20 && entropy >= 4 && classes >= 3 ? 'high' : 'medium';
  }
  // The placeholder check last (every check here rejects, in any order): its large regex is
  // compiled on first use, and most values never get this far.
  return isPlaceholder(v) ? undefined : confidence;
}
