export * from './types';
export { loadMatrixFile, parseMatrixText } from './load';
export { runMatrix, expandPlaceholders, type RunMatrixOptions } from './run';
export { matrixToJson, matrixToJUnit, matrixToText } from './report';
export { classify, expectationFor, scrub, looksLikeAuthDenial, looksLikeUnknownTool, cellPasses } from './classify';
export { startIssuer, unionPrincipal } from './issuer';
export { argsFromInputSchema } from './args';
export { gridModel, mergeResults, type GridModel, type GridCell } from './grid';
export { buildMatrixConfig, buildMatrixDocument, launchesFromConfigs, launchesFromManifest, proposePrincipals, scopesInSnippets, toolScopesFromFacts } from './scaffold';
