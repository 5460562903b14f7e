/**
 * The keystroke path parses open documents incrementally (the previous tree, `tree.edit()`
 * from the common prefix/suffix of the two texts, then a reparse). These tests apply seeded
 * random edits — insertions, deletions and replacements spanning lines, multi-byte
 * characters — and require exactly what a cold parse gives: the same syntax tree, the same
 * tool registrations, the same findings and verdicts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearAuthorizationCache, lintAuthorization, lintAuthorizationDocumentDetailed } from '../../src/core/authz';
import type { Finding, ServerProject } from '../../src/core/model';
import { parseSource } from '../../src/core/parse/treeSitter';
import { editBetween, releaseDocumentTree, toRegistration, withSourceFacts } from '../../src/core/projects';

const SERVER = `import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { requireScope } from './auth.js';

const server = new McpServer({ name: 'notes — é😀', version: '1.0.0' });
const TOOL = 'renamed_😀';

// Café: a comment with multi-byte characters 🎉 before the tools.
server.tool('read_note', 'Reads a note (ünïcode)', { id: z.string() }, async ({ id }, extra) => {
  if (!extra.authInfo?.scopes.includes('notes:read')) {
    throw new Error('Forbidden');
  }
  const rows = await db.query('SELECT * FROM notes WHERE id = $1', [id]);
  return { content: [{ type: 'text', text: JSON.stringify(rows) + '😀' }] };
});

server.tool('delete_note', { id: z.string() }, async ({ id }, extra) => {
  await db.query('DELETE FROM notes WHERE id = $1', [id]);
  return { content: [{ type: 'text', text: 'deleted ✓' }] };
});

server.registerTool(TOOL, { description: 'naïve', annotations: { destructiveHint: true } }, async ({ id }, extra) => {
  requireScope(extra, 'notes:write');
  await fs.writeFile('/tmp/' + id, 'x');
  return { content: [] };
});

server.registerTool('send_mail', { description: 'sends' }, async ({ to }, extra) => {
  const auth = extra.authInfo;
  if (auth && !auth.scopes.includes('mail')) {
    return { content: [{ type: 'text', text: 'forbidden' }], isError: true };
  }
  await mailer.sendMail({ to, text: 'hé' });
  return { content: [] };
});

const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
await server.connect(transport);
`;

const AUTH = `export function requireScope(extra: { authInfo?: { scopes: string[] } }, scope: string): void {
  if (!extra.authInfo?.scopes.includes(scope)) throw new Error('Forbidden');
}
`;

const SNIPPETS = [
  'x', 'é', '😀', '\n', '  ', ';', '{', '}', '(', ')', "'", '`', '// note ü\n', '/* 🎉 */', 'const q = 1;\n',
  "  if (!extra.authInfo) throw new Error('Unauthorized');\n", "  await db.query('DROP TABLE notes');\n",
  "server.tool('added_tool', async () => ({ content: [] }));\n", 'requireScope(extra, \'s\');\n', 'extra', 'Café\n',
];

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An offset that does not split a surrogate pair (editors never produce lone surrogates). */
function safeOffset(text: string, offset: number): number {
  const code = text.charCodeAt(offset);
  return offset > 0 && code >= 0xdc00 && code <= 0xdfff ? offset - 1 : offset;
}

function randomEdit(text: string, random: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const start = safeOffset(text, Math.floor(random() * (text.length + 1)));
  const kind = random();
  // Deletions and replacements of up to ~3 lines, so edits span line breaks.
  const span = kind < 0.4 ? 0 : Math.floor(random() * (kind < 0.7 ? 8 : 120));
  const end = safeOffset(text, Math.min(text.length, start + span));
  const insert = kind < 0.7 || kind >= 0.85 ? pick(SNIPPETS) : '';
  return text.slice(0, start) + insert + text.slice(end);
}

const ROOT = '/incremental';
const ROOT_COLD = '/cold';

function project(root: string): ServerProject {
  return {
    root, manifest: `${root}/package.json`, language: 'typescript', framework: 'mcp-sdk', transports: ['http'], tools: [],
    sources: [`${root}/src/server.ts`, `${root}/src/auth.ts`], problems: [],
  };
}

/** Findings of one file with the project root taken out, in a stable order. */
function normalized(findings: Finding[], root: string): unknown[] {
  const text = JSON.stringify(findings.filter((f) => f.file === `${root}/src/server.ts`)).split(root).join('<root>');
  return (JSON.parse(text) as Finding[]).sort((a, b) => `${a.fingerprint}${a.range.start.offset}`.localeCompare(`${b.fingerprint}${b.range.start.offset}`));
}

describe('incremental parsing of open documents', () => {
  it('describes an edit in UTF-16 code units, never splitting a surrogate pair', () => {
    const before = 'a\nb😀c\nd';
    const after = 'a\nb😃c\nd';
    const edit = editBetween(before, after);
    assert.equal(edit.startIndex, 3); // the shared high surrogate is not taken as common prefix
    assert.equal(edit.oldEndIndex, 5);
    assert.equal(edit.newEndIndex, 5);
    assert.deepEqual(edit.startPosition, { row: 1, column: 1 });
    assert.deepEqual(edit.oldEndPosition, { row: 1, column: 3 });
    const grow = editBetween('x\ny', 'x\nyé\n😀z');
    assert.deepEqual([grow.startIndex, grow.oldEndIndex, grow.newEndIndex], [3, 3, 8]);
    assert.deepEqual(grow.newEndPosition, { row: 2, column: 3 });
  });

  it('gives the same tree and registrations as a cold parse after random edits', async () => {
    const random = rng(20261126);
    let text = SERVER;
    const file = '/doc/src/server.ts';
    let mismatches = 0;
    try {
      for (let round = 0; round < 150; round++) {
        text = randomEdit(text, random);
        const incremental = await withSourceFacts(file, text, (facts, tree) => ({
          tree: tree.rootNode.toString(), registrations: facts.registrations.map((r) => toRegistration('f', r)),
        }), { keepTree: true, framework: 'mcp-sdk' });
        const cold = await withSourceFacts('/cold/src/server.ts', text, (facts, tree) => ({
          tree: tree.rootNode.toString(), registrations: facts.registrations.map((r) => toRegistration('f', r)),
        }), { framework: 'mcp-sdk' });
        assert.ok(incremental && cold);
        if (incremental.tree !== cold.tree) mismatches++;
        assert.deepEqual(incremental.registrations, cold.registrations, `round ${round}`);
        assert.equal(incremental.tree, cold.tree, `round ${round}: incremental tree differs from a cold parse`);
      }
    } finally {
      releaseDocumentTree(file);
    }
    assert.equal(mismatches, 0);
  });

  it('gives the same findings and verdicts as a cold lint after random edits', async () => {
    clearAuthorizationCache();
    const random = rng(7);
    const settings = { authorizationFunctions: [] };
    const files = (root: string, server: string): Record<string, string> => ({ [`${root}/src/server.ts`]: server, [`${root}/src/auth.ts`]: AUTH });
    const warm = project(ROOT);
    const first = files(ROOT, SERVER);
    await lintAuthorization({ root: ROOT, servers: [warm], readFile: async (p) => first[p], settings });
    let text = SERVER;
    let compared = 0;
    for (let round = 0; round < 80; round++) {
      // Now and then back to the whole original (as an undo or a paste would), so that broken
      // syntax does not pile up and most rounds still have tools to compare.
      text = round % 8 === 7 ? SERVER : randomEdit(text, random);
      const incremental = await lintAuthorizationDocumentDetailed(`${ROOT}/src/server.ts`, text, warm, settings);
      const coldFiles = files(ROOT_COLD, text);
      const cold = await lintAuthorization({ root: ROOT_COLD, servers: [project(ROOT_COLD)], readFile: async (p) => coldFiles[p], settings });
      assert.deepEqual(normalized(incremental.findings, ROOT), normalized(cold.findings, ROOT_COLD), `round ${round}`);
      const verdicts = (vs: typeof cold.verdicts, root: string): string[] => vs.filter((v) => v.file === `${root}/src/server.ts`).map((v) => `${v.tool} ${v.verdict} ${v.rules.join(',')} ${v.range.start.offset}`).sort();
      assert.deepEqual(verdicts(incremental.verdicts, ROOT), verdicts(cold.verdicts, ROOT_COLD), `round ${round}`);
      compared += incremental.verdicts.length;
    }
    assert.ok(compared > 160, `only ${compared} verdicts compared`);
    clearAuthorizationCache();
  });

  it('stays consistent when calls for the same document overlap', async () => {
    const file = '/doc/concurrent.ts';
    const random = rng(99);
    const texts: string[] = [];
    let text = SERVER;
    for (let i = 0; i < 24; i++) texts.push((text = randomEdit(text, random)));
    const read = (facts: Parameters<Parameters<typeof withSourceFacts>[2]>[0], tree: Parameters<Parameters<typeof withSourceFacts>[2]>[1]): string =>
      `${tree.rootNode.toString()}\n${JSON.stringify(facts.registrations.map((r) => toRegistration('f', r)))}`;
    try {
      // Not awaited one by one: every call starts before the previous ones have finished.
      const overlapping = await Promise.all(texts.map((t) => withSourceFacts(file, t, read, { keepTree: true })));
      const cold = await Promise.all(texts.map((t) => withSourceFacts('/cold/concurrent.ts', t, read)));
      assert.deepEqual(overlapping, cold);
    } finally {
      releaseDocumentTree(file);
    }
  });

  it('reparses from a kept tree after an edit and frees it on release', async () => {
    const big = SERVER.repeat(40);
    const file = '/doc/big.ts';
    const cold = await parseSource('typescript', big);
    assert.ok(cold);
    cold.delete();
    await withSourceFacts(file, big, () => 0, { keepTree: true });
    const edited = big.replace('Café', 'Cafe');
    const same = await withSourceFacts(file, edited, (facts) => facts.registrations.length, { keepTree: true });
    assert.equal(same, 4 * 40);
    releaseDocumentTree(file);
    releaseDocumentTree(file); // idempotent
  });
});

describe('projects without tools (files read light)', () => {
  const root = '/light';
  const server = (files: Record<string, string>): ServerProject => ({
    root, manifest: `${root}/package.json`, language: 'typescript', framework: 'mcp-sdk', transports: [], tools: [],
    sources: Object.keys(files).map((f) => `${root}/${f}`), problems: [],
  });
  const settings = { authorizationFunctions: [] };
  const AUTH = "export function requireScope(extra, scope) {\n  if (!extra.authInfo?.scopes.includes(scope)) throw new Error('Forbidden');\n}\nexport function wipe() { fs.rmSync('/data'); }\n";
  const HTTP = "import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';\nconst t = new StreamableHTTPServerTransport({});\n";
  const MIDDLEWARE = "export function toolGate(req, res, next) {\n  if (req.body?.params?.name === 'x' && !req.auth?.scopes.includes('x')) { res.status(403).end(); return; }\n  next();\n}\n";

  it('a tool added in an open document resolves helpers and operations in the light siblings', async () => {
    clearAuthorizationCache();
    const files = { 'auth.ts': AUTH, 'index.ts': "import { requireScope } from './auth.js';\n" };
    const p = server(files);
    const cold = await lintAuthorization({ root, servers: [p], readFile: async (f) => files[f.slice(root.length + 1) as keyof typeof files], settings });
    assert.equal(cold.verdicts.length, 0);
    const index = `${root}/index.ts`;
    const next = `${files['index.ts']}${TS_HEAD_LIGHT}server.tool('guarded', {}, async (_a, extra) => {\n  requireScope(extra, 'x');\n  return { content: [] };\n});\nserver.tool('wiper', {}, async () => {\n  wipe();\n  return { content: [] };\n});\n`;
    const live = await lintAuthorizationDocumentDetailed(index, next, p, settings);
    // The same as a full run over the edited project.
    clearAuthorizationCache();
    const full = await lintAuthorization({ root, servers: [p], readFile: async (f) => (f === index ? next : files[f.slice(root.length + 1) as keyof typeof files]), settings });
    assert.deepEqual(live.verdicts.map((v) => [v.tool, v.verdict]), [['guarded', 'protected'], ['wiper', 'unprotected']]);
    assert.deepEqual(live.findings, full.findings);
    assert.deepEqual(live.verdicts, full.verdicts);
    assert.ok(live.findings.some((f) => f.tool === 'wiper' && f.related?.some((r) => /rmSync/.test(r.message))));
  });

  it('HTTP with no authentication: tool-call middleware in a light file still counts (MCPS207)', async () => {
    clearAuthorizationCache();
    const run = async (files: Record<string, string>) => (await lintAuthorization({ root, servers: [server(files)], readFile: async (f) => files[f.slice(root.length + 1)], settings })).findings.map((f) => f.ruleId);
    assert.deepEqual(await run({ 'http.ts': HTTP }), ['MCPS207']);
    clearAuthorizationCache();
    assert.deepEqual(await run({ 'http.ts': HTTP, 'gate.ts': MIDDLEWARE }), []);
  });
});

const TS_HEAD_LIGHT = "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nconst server = new McpServer({ name: 's', version: '1' });\n";
