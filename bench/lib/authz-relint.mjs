// `authz-relint-latency`: what the extension does while you type in an open MCP server file —
// lintAuthorizationDocument() on the whole text after each keystroke, resolved against the
// cached facts of the project's other files. bench/authz.mjs bundles this with esbuild and runs
// it in one process. The document is a generated TypeScript SDK v1 server of about 3,000 lines
// and ~300 tools (server.tool / registerTool, zod schemas, handlers calling a db, fetch, fs,
// child_process); about a third check `extra.authInfo` inline, a sixth call a helper from
// a sibling file (auth.ts), the rest have no check. First one full lintAuthorization over the
// project, then `times` re-lints, each after one character changed (cycling through the letters
// of a word in a comment near the middle, like typing over it). Only the re-lint is timed.
//   node authz-relint.cjs [times=200] [warmup=20]
// Prints one JSON line: lines, bytes, tools, fullMs, medianMs, p95Ms, maxMs, findings.
import { clearAuthorizationCache, lintAuthorization, lintAuthorizationDocument } from '../../src/core/authz/index.ts';
import { parseSource } from '../../src/core/parse/treeSitter.ts';
import { withSourceFacts } from '../../src/core/projects/source.ts';

const ROOT = '/bench/relint-server';
const FILE = `${ROOT}/src/server.ts`;
const AUTH = `${ROOT}/src/auth.ts`;
const TARGET_LINES = 3000;
const TYPING_MARK = 'typingzone';

const AUTH_TS = `import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';

/** Throws unless the caller's token carries \`scope\`. */
export function requireScope(extra: { authInfo?: { scopes: string[] } }, scope: string): void {
  if (!extra.authInfo?.scopes.includes(scope)) {
    throw new Error(\`Forbidden: missing scope \${scope}\`);
  }
}
`;

const OPS = [
  (i) => [`    const rows = await db.query('SELECT * FROM records_${i % 17} WHERE id = $1', [id]);`, `    return { content: [{ type: 'text', text: JSON.stringify(rows) }] };`],
  (i) => [`    await db.query('DELETE FROM records_${i % 17} WHERE id = $1', [id]);`, `    return { content: [{ type: 'text', text: 'deleted ' + id }] };`],
  (i) => [`    const res = await fetch(\`\${API_BASE}/items/${i}/\${encodeURIComponent(id)}\`);`, `    return { content: [{ type: 'text', text: await res.text() }] };`],
  (i) => [`    await fs.writeFile(path.join(DATA_DIR, \`${i}-\${id}.json\`), JSON.stringify({ id, limit }));`, `    return { content: [{ type: 'text', text: 'saved' }] };`],
  (i) => [`    const out = execFileSync('git', ['log', '-n', String(limit ?? ${i % 9 + 1}), id], { encoding: 'utf8' });`, `    return { content: [{ type: 'text', text: out }] };`],
];

export function generateServer() {
  const out = [
    "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';",
    "import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';",
    "import { execFileSync } from 'node:child_process';",
    "import * as fs from 'node:fs/promises';",
    "import * as path from 'node:path';",
    "import { z } from 'zod';",
    "import { db } from './db.js';",
    "import { requireScope } from './auth.js';",
    '',
    "const server = new McpServer({ name: 'records', version: '1.0.0' });",
    "const API_BASE = process.env.API_BASE ?? 'https://api.example.com/v2';",
    "const DATA_DIR = process.env.DATA_DIR ?? '/var/lib/records';",
    '',
  ];
  let tools = 0;
  for (let i = 0; out.length < TARGET_LINES - 12; i++) {
    const [op, ret] = OPS[i % OPS.length](i);
    const check = i % 6 === 1 ? [`    requireScope(extra, 'records:${i}');`]
      : i % 3 === 0 ? [`    if (!extra.authInfo?.scopes.includes('records:write')) {`, `      throw new Error('Forbidden');`, '    }'] : [];
    const note = out.length > TARGET_LINES / 2 && !out.some((l) => l.includes(TYPING_MARK)) ? `  // ${TYPING_MARK}: edited while the benchmark types` : `  // Tool ${i}: records of kind ${i % 13}.`;
    if (i % 2 === 0) {
      out.push(
        `server.tool(`,
        `  'record_op_${i}',`,
        `  'Operates on record ${i} of collection ${i % 17}',`,
        `  { id: z.string(), limit: z.number().optional() },`,
        `  async ({ id, limit }, extra) => {`,
        note,
        ...check, op, ret,
        '  },',
        ');',
      );
    } else {
      out.push(
        `server.registerTool(`,
        `  'record_task_${i}',`,
        `  { description: 'Task ${i}', inputSchema: { id: z.string(), limit: z.number().optional() }, annotations: { destructiveHint: ${i % 4 === 1} } },`,
        `  async ({ id, limit }, extra) => {`,
        note,
        ...check, op, ret,
        '  },',
        ');',
      );
    }
    tools++;
  }
  out.push(
    'const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });',
    'await server.connect(transport);',
    '',
  );
  return { text: out.join('\n'), tools };
}

async function main() {
  const times = Number(process.argv[2] ?? 200);
  const warmup = Number(process.argv[3] ?? 20);
  const { text, tools } = generateServer();
  const files = { [FILE]: text, [AUTH]: AUTH_TS };
  const project = {
    root: ROOT, manifest: `${ROOT}/package.json`, language: 'typescript', framework: 'mcp-sdk',
    transports: ['http'], tools: [], sources: Object.keys(files), problems: [],
  };
  const settings = { authorizationFunctions: [] };
  clearAuthorizationCache();
  const t0 = process.hrtime.bigint();
  const full = await lintAuthorization({ root: ROOT, servers: [project], readFile: async (p) => files[p], settings });
  const fullMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const at = text.indexOf(TYPING_MARK);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const samples = [];
  let findings = 0;
  for (let i = 0; i < warmup + times; i++) {
    const edited = text.slice(0, at) + letters[i % letters.length] + text.slice(at + 1);
    const started = process.hrtime.bigint();
    const result = await lintAuthorizationDocument(FILE, edited, project, settings);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (i >= warmup) samples.push(ms);
    findings = result.length;
  }
  // Breakdown of one re-lint: the parse alone, and parse + discovery facts (medians of 15).
  const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const parseOnly = [];
  const sourceFacts = [];
  for (let i = 0; i < 15; i++) {
    let t = process.hrtime.bigint();
    (await parseSource('typescript', text)).delete();
    parseOnly.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    await withSourceFacts(FILE, text, () => 0, { framework: 'mcp-sdk' });
    sourceFacts.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const q = (p) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)];
  const verdicts = {};
  for (const v of full.verdicts) verdicts[v.verdict] = (verdicts[v.verdict] ?? 0) + 1;
  process.stdout.write(JSON.stringify({
    lines: text.split('\n').length, bytes: text.length, tools, fullMs, fullFindings: full.findings.length, verdicts,
    medianMs: samples.length % 2 ? samples[(samples.length - 1) / 2] : (samples[samples.length / 2 - 1] + samples[samples.length / 2]) / 2,
    p95Ms: q(0.95), maxMs: samples[samples.length - 1], findings, parseMs: med(parseOnly), sourceFactsMs: med(sourceFacts),
  }) + '\n');
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(2);
});
