export * from './types';
export { loadMatrixFile, parseMatrixText } from './load';
export { runMatrix, expandPlaceholders, type RunMatrixOptions } from './run';
export { matrixToJson, matrixToJUnit, matrixToText } from './report';
export { classify, expectationFor, scrub, looksLikeAuthDenial, looksLikeUnknownTool, cellPasses } from './classify';
export { startIssuer, unionPrincipal } from './issuer';
export { argsFromInputSchema } from './args';
