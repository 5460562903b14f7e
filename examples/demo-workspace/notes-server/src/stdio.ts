#!/usr/bin/env node
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { verifyAccessToken } from './auth.js';
import { createNotesServer } from './server.js';

// stdio has no HTTP headers: local clients pass the user's token in the environment.
const token = process.env.MCP_ACCESS_TOKEN;
const authInfo = token ? await verifyAccessToken(token) : undefined;

const server = createNotesServer();
const transport = new StdioServerTransport();
await server.connect(transport);

// Hand every request the same identity, as the HTTP entry point does per request.
const wire: Transport = transport;
const deliver = wire.onmessage;
wire.onmessage = (message, extra) => deliver?.(message, { ...extra, authInfo });

console.error('acme-notes MCP server running on stdio');
