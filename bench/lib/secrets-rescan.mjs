// `document-rescan-latency`: what the extension does while you type in an open MCP file —
// scanDocument() on the whole text after each keystroke. bench/secrets.mjs bundles this with
// esbuild and runs it in one process. Two generated 5,000-line documents: an MCP server in
// TypeScript and a JSONC .vscode/mcp.json with many servers; each is scanned `times` times,
// each time after one character changed (cycling through the letters of a word in the middle
// of the file, like typing over it). Only the scanDocument() call is timed.
//   node secrets-rescan.cjs [times=200] [warmup=20]
// Prints one JSON line: per document { lines, bytes, findings, medianMs, p95Ms, maxMs }.
import { join } from 'node:path';
import { scanDocument } from '../../src/core/scan/scan.ts';
import { prng } from './prng.mjs';

const LINES = 5000;

const rand = prng(0x5ec7e7);
const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const pick = (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
const fakeSecret = (i) =>
  [
    () => `ghp_${pick(AN, 36)}`,
    () => `sk-ant-api03-${pick(AN, 93)}AA`,
    () => `xoxb-${pick('0123456789', 12)}-${pick('0123456789', 13)}-${pick(AN, 24)}`,
    () => `sk_live_${pick(AN, 40)}`,
    () => `lin_api_${pick(AN, 40)}`,
    () => `dop_v1_${pick(HEX, 64)}`,
  ][i % 6]();

/** The word the simulated typing changes, placed near the middle of each document. */
export const TYPING_MARK = 'typingzone';

/** A TypeScript MCP server: tools with zod schemas, handlers calling APIs, env reads, a few hard-coded keys. */
export function tsServer() {
  const out = [
    "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';",
    "import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';",
    "import { z } from 'zod';",
    '',
    "const server = new McpServer({ name: 'big-server', version: '1.0.0' });",
    "const API_BASE = process.env.API_BASE ?? 'https://api.example.com/v2';",
    "const token = process.env.SERVICE_TOKEN || '';",
    '',
  ];
  for (let i = 0; out.length < LINES - 1; i++) {
    const secretLine = i % 25 === 7 ? `  const fallbackKey = "${fakeSecret(i)}"; // TODO move to env` : `  const fallbackKey = process.env.KEY_${i} ?? '';`;
    const note = out.length > LINES / 2 && !out.some((l) => l.includes(TYPING_MARK)) ? `  // ${TYPING_MARK}: edited while the benchmark types` : `  // Tool ${i}: lists records of kind ${i % 13}.`;
    out.push(
      `/** Returns up to \`limit\` records of collection ${i}, newest first. */`,
      `server.registerTool(`,
      `  'list_records_${i}',`,
      `  {`,
      `    title: 'List records ${i}',`,
      `    description: 'List the records of collection ${i}. Use the cursor to page.',`,
      `    inputSchema: { limit: z.number().int().min(1).max(100).default(20), cursor: z.string().optional() },`,
      `    annotations: { readOnlyHint: ${i % 3 !== 0}, destructiveHint: ${i % 3 === 0} },`,
      `  },`,
      `  async ({ limit, cursor }) => {`,
      note,
      secretLine,
      `    const url = new URL(\`\${API_BASE}/collections/${i}/records\`);`,
      `    url.searchParams.set('limit', String(limit));`,
      `    if (cursor) url.searchParams.set('cursor', cursor);`,
      `    const res = await fetch(url, { headers: { Authorization: \`Bearer \${token || fallbackKey}\`, 'X-Request-Id': '${pick(HEX, 8)}' } });`,
      `    if (!res.ok) throw new Error(\`collection ${i}: HTTP \${res.status}\`);`,
      `    const body = (await res.json()) as { items: unknown[]; next?: string };`,
      `    return { content: [{ type: 'text', text: JSON.stringify(body.items) }], structuredContent: body };`,
      `  },`,
      `);`,
      '',
    );
  }
  out.length = Math.min(out.length, LINES - 1);
  out.push('await server.connect(new StdioServerTransport());', '');
  return out.join('\n');
}

/** A JSONC .vscode/mcp.json: comments, inputs, stdio and HTTP servers with env and headers, some plaintext keys. */
export function mcpJson() {
  const out = ['// Team MCP servers. Keys come from inputs; a few are still pasted in.', '{', '  "inputs": ['];
  for (let i = 0; i < 40; i++) out.push(`    { "id": "key-${i}", "type": "promptString", "description": "API key ${i}", "password": true },`);
  out.push('  ],', '  "servers": {');
  for (let i = 0; out.length < LINES - 13; i++) {
    const plain = i % 20 === 3;
    const remark = out.length > LINES / 2 && !out.some((l) => l.includes(TYPING_MARK)) ? `    // ${TYPING_MARK}: edited while the benchmark types` : `    // server ${i}`;
    if (i % 4 === 1) {
      out.push(
        remark,
        `    "remote-${i}": {`,
        '      "type": "http",',
        `      "url": "https://mcp-${i}.example.com/mcp",`,
        `      "headers": { "Authorization": "Bearer ${plain ? fakeSecret(i) : `\${input:key-${i % 40}}`}", "X-Team": "team-${i % 7}" }`,
        '    },',
      );
    } else {
      out.push(
        remark,
        `    "local-${i}": {`,
        '      "type": "stdio",',
        '      "command": "npx",',
        `      "args": ["-y", "@example/mcp-server-${i}", "--port", "${3000 + i}", "--log-level", "info"],`,
        '      "env": {',
        `        "API_TOKEN": "${plain ? fakeSecret(i) : `\${input:key-${i % 40}}`}",`,
        `        "API_BASE": "https://api-${i}.example.com",`,
        `        "WORKSPACE": "\${workspaceFolder}/data/${i}"`,
        '      }',
        '    },',
      );
    }
  }
  while (out.length < LINES - 2) out.push('    // (reserved)');
  out.push('  }', '}', '');
  // No trailing commas: the file parses cleanly, so the figure is the secret scan, not error recovery.
  for (let j = 0; j < out.length; j++) {
    if (!out[j].endsWith(',')) continue;
    let k = j + 1;
    while (k < out.length && out[k].trim().startsWith('//')) k++;
    if (/^\s*[}\]]/.test(out[k] ?? '')) out[j] = out[j].slice(0, -1);
  }
  return out.join('\n');
}

/** Run when executed (not when a test imports the document generators). */
const main = /secrets-rescan\.(?:cjs|mjs)$/.test(process.argv[1] ?? '');
if (main) run();

function run() {
  const [timesArg, warmArg] = process.argv.slice(2);
  const times = Number(timesArg ?? 200);
  const warmup = Number(warmArg ?? 20);
  const root = '/bench/workspace';
  const docs = [
    { name: 'ts-server', file: join(root, 'src/server.ts'), text: tsServer(), kind: { type: 'source' } },
    {
      name: 'mcp-json',
      file: join(root, '.vscode/mcp.json'),
      text: mcpJson(),
      kind: { type: 'config', candidate: { path: join(root, '.vscode/mcp.json'), client: 'vscode', scope: 'workspace', format: 'jsonc', shape: 'vscode-servers', shared: false } },
    },
  ];

  const result = {};
  for (const doc of docs) {
    const at = doc.text.indexOf(TYPING_MARK);
    if (at < 0) throw new Error(`${doc.name}: no typing mark`);
    const samples = [];
    let findings = 0;
    for (let i = 0; i < warmup + times; i++) {
      // One character of the word changes each time (a keystroke over it).
      const pos = at + (i % TYPING_MARK.length);
      const text = doc.text.slice(0, pos) + AN[i % 52] + doc.text.slice(pos + 1);
      const started = performance.now();
      const scan = scanDocument(doc.file, text, doc.kind, root);
      const ms = performance.now() - started;
      if (i >= warmup) samples.push(ms);
      findings = scan.findings;
    }
    samples.sort((a, b) => a - b);
    const q = (p) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)];
    result[doc.name] = {
      lines: doc.text.split('\n').length - 1,
      bytes: Buffer.byteLength(doc.text),
      findings: findings.length,
      rules: Object.fromEntries([...new Set(findings.map((f) => f.ruleId))].map((id) => [id, findings.filter((f) => f.ruleId === id).length])),
      medianMs: samples.length % 2 ? samples[(samples.length - 1) / 2] : (samples[samples.length / 2 - 1] + samples[samples.length / 2]) / 2,
      p95Ms: q(0.95),
      maxMs: samples[samples.length - 1],
    };
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}
