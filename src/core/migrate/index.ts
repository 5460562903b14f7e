/** The migration engine: plan (pure), verify, execute (keychain, then an atomic rewrite). */
export { planMigration } from './plan';
export { executeMigration, storePlanSecrets, MigrationError, MIGRATION_STEPS, type ExecuteOptions, type MigrationResult, type MigrationStep, type MigrationFailure } from './execute';
export { applyEdits } from './syntax';
export { verifyMigratedText } from './verify';
export { writeFileAtomic } from './atomicWrite';
export { resolveConfigCandidate } from './resolveCandidate';
export type { MigrationPlan, PlannedSecret, PlanInput, TextEdit, SecretSlot, MigrationStrategy, ServerChange } from './types';
