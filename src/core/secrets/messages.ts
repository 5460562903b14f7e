/**
 * Human-readable text about a match. Never includes the secret: only a redacted form
 * (a short prefix and the last 4 characters at most; nothing for short values).
 */
import { redactValue } from '../util/redact';
import type { SecretMatch } from './types';

/** Values shorter than this are passwords more often than tokens: show nothing of them. */
const MIN_REDACTABLE_LENGTH = 16;

export function redactSecret(secret: string): string {
  return secret.length < MIN_REDACTABLE_LENGTH ? '…' : redactValue(secret);
}

/** `Plaintext GitHub personal access token in GITHUB_TOKEN (ghp_…WXYZ).` The remedy is added by the caller, which knows the git exposure. */
export function secretMessage(match: Pick<SecretMatch, 'description' | 'key'>, secret: string): string {
  const where = match.key ? ` in ${match.key}` : '';
  return `Plaintext ${match.description}${where} (${redactSecret(secret)}).`;
}
