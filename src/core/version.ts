/** The product version, replaced at bundle time from package.json. */
declare const __MCP_SECURE_VERSION__: string | undefined;
export const VERSION: string = typeof __MCP_SECURE_VERSION__ === 'string' ? __MCP_SECURE_VERSION__ : '0.0.0-dev';
