/** Authorization lint (rules MCPS201-MCPS208): per-tool verdicts, findings and quick fixes. */
export { lintAuthorization, lintAuthorizationDocument, lintAuthorizationDocumentDetailed, clearAuthorizationCache, authzFingerprint, lastFileFacts } from './lint';
export type { AuthzSettings, LintAuthorizationInput, LintAuthorizationResult, ToolVerdict, Verdict } from './lint';
export { authzFixes } from './fixes';
export type { AuthzFix, TextEdit } from './fixes';
