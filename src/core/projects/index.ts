/** MCP server projects: manifests, tool registrations and transports, from real parsers. */
export { analyzeProjects, analyzeProjectsDetailed, projectRegistrations } from './analyze';
export type { AnalyzeProjectsInput, AnalyzeProjectsResult, ProjectAnalysis } from './analyze';
export {
  PROJECT_MANIFEST_BASENAMES,
  isProjectManifest,
  manifestProjectRoot,
  manifestDependencies,
  frameworkFor,
  type Ecosystem,
} from './manifests';
export { analyzeSourceText, withSourceFacts, extractSourceFacts, toRegistration, budgetProblem, SOURCE_LIMITS, releaseDocumentTree, editBetween } from './source';
export type { SourceFileOptions } from './source';
export { projectStrings, type ProjectStrings } from './exportedStrings';
export { CASE_KINDS, LIST_KINDS } from './types';
export type {
  RegistrationKind,
  SourceContext,
  SourceFacts,
  SourceFactsNodes,
  ToolRegistration,
  ToolRegistrationNodes,
} from './types';
