/**
 * Unit tests of the authorization linter: each rule, the severity policy, settings,
 * quick fixes (apply → re-lint → gone), broken and oversized input, and the demo workspace.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { authzFixes, clearAuthorizationCache, lintAuthorization, lintAuthorizationDocument, type ToolVerdict } from '../../src/core/authz';
import type { TextEdit } from '../../src/core/authz';
import { discover } from '../../src/core/discovery/discover';
import type { Finding, ServerFramework, ServerLanguage, ServerProject, Transport } from '../../src/core/model';
import { RULES_BY_ID } from '../../src/core/rules';
import { applySuppressions } from '../../src/core/suppress';

const ROOT = '/virtual';

interface Virtual { files: Record<string, string>; framework?: ServerFramework; language?: ServerLanguage; transports?: Transport[]; functions?: string[] }

function project(v: Virtual): ServerProject {
  return {
    root: ROOT, manifest: `${ROOT}/package.json`, language: v.language ?? 'typescript', framework: v.framework ?? 'mcp-sdk',
    transports: v.transports ?? ['http'], tools: [], sources: Object.keys(v.files).map((f) => `${ROOT}/${f}`), problems: [],
  };
}

async function lint(v: Virtual): Promise<{ findings: Finding[]; verdicts: ToolVerdict[]; server: ServerProject }> {
  const server = project(v);
  const r = await lintAuthorization({
    root: ROOT, servers: [server], settings: { authorizationFunctions: v.functions ?? [] },
    readFile: async (p) => v.files[path.posix.relative(ROOT, p)],
  });
  return { ...r, server };
}

function rulesOf(findings: Finding[], tool: string): string[] {
  return findings.filter((f) => f.tool === tool).map((f) => f.ruleId).sort();
}

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

const TS_HEAD = "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nimport { z } from 'zod';\nconst server = new McpServer({ name: 's', version: '1' });\n";
const PY_HEAD = 'from mcp.server.fastmcp import FastMCP\nfrom mcp.server.auth.middleware.auth_context import get_access_token\nimport os\n\nmcp = FastMCP("s")\n\n';
const GO_HEAD = 'package main\n\nimport (\n\t"context"\n\t"os"\n\n\t"github.com/mark3labs/mcp-go/mcp"\n\t"github.com/mark3labs/mcp-go/server"\n)\n\n';

describe('MCPS201 tool without an authorization check', () => {
  it('flags an unchecked destructive tool as an error on the name literal, with related locations', async () => {
    const text = `${TS_HEAD}server.tool('delete_note', { id: z.string() }, async ({ id }) => {\n  notes.delete(id);\n  return { content: [] };\n});\n`;
    const { findings } = await lint({ files: { 'a.ts': text } });
    const f = findings.find((x) => x.tool === 'delete_note')!;
    assert.equal(f.ruleId, 'MCPS201');
    assert.equal(f.severity, 'error');
    assert.equal(f.category, 'authz');
    assert.equal(text.slice(f.range.start.offset, f.range.end.offset), "'delete_note'");
    assert.ok(f.related!.some((r) => /notes\.delete/.test(r.message)));
    assert.ok(f.related!.some((r) => /expected/.test(r.message)));
    assert.match(f.message, /without an authorization check/);
  });

  it('accepts a dominating check, a helper call, and a configured authorization function', async () => {
    const text = `${TS_HEAD}
server.tool('a', { id: z.string() }, async ({ id }, extra) => {
  if (!extra.authInfo?.scopes.includes('x')) throw new Error('Forbidden');
  return { content: [] };
});
server.tool('b', { id: z.string() }, async ({ id }, extra) => {
  gatekeep(extra, 'x');
  return { content: [] };
});
`;
    const { verdicts, findings } = await lint({ files: { 'a.ts': text }, functions: ['gatekeep'] });
    assert.deepEqual(verdicts.map((v) => [v.tool, v.verdict]), [['a', 'protected'], ['b', 'protected']]);
    assert.equal(findings.length, 0);
    const without = await lint({ files: { 'a.ts': text } });
    assert.deepEqual(rulesOf(without.findings, 'b'), ['MCPS201']);
  });

  it('does not count a check placed after the work', async () => {
    const text = `${TS_HEAD}import { rm } from 'node:fs/promises';
server.tool('wipe', {}, async (_a, extra) => {
  await rm('/data', { recursive: true });
  if (!extra.authInfo) throw new Error('Unauthorized');
  return { content: [] };
});
`;
    assert.deepEqual(rulesOf((await lint({ files: { 'a.ts': text } })).findings, 'wipe'), ['MCPS201']);
  });

  it('follows handlers and helpers imported from other files', async () => {
    const files = {
      'server.ts': `${TS_HEAD}import { removeIt, keepIt } from './handlers.js';\nserver.tool('remove_it', { id: z.string() }, removeIt);\nserver.tool('keep_it', { id: z.string() }, keepIt);\n`,
      'handlers.ts': "import { guard } from './guard.js';\nexport async function removeIt({ id }: { id: string }, extra: any) { guard(extra); db.delete(id); return { content: [] }; }\nexport async function keepIt({ id }: { id: string }) { db.delete(id); return { content: [] }; }\n",
      'guard.ts': "export function guard(extra: any) { if (!extra.authInfo?.scopes.includes('w')) throw new Error('Forbidden'); }\n",
    };
    const { verdicts, findings } = await lint({ files });
    assert.equal(verdicts.find((v) => v.tool === 'remove_it')!.verdict, 'protected');
    assert.deepEqual(rulesOf(findings, 'keep_it'), ['MCPS201']);
    const f = findings.find((x) => x.tool === 'keep_it')!;
    assert.ok(f.related!.some((r) => r.file.endsWith('handlers.ts')), 'the sensitive operation is located in the other file');
  });

  it('reads Python and Go tools', async () => {
    const py = await lint({ language: 'python', framework: 'mcp-python', files: { 's.py': `${PY_HEAD}@mcp.tool()\ndef rm(path: str) -> str:\n    os.remove(path)\n    return "ok"\n` } });
    assert.deepEqual(rulesOf(py.findings, 'rm'), ['MCPS201']);
    const go = await lint({
      language: 'go', framework: 'mcp-go',
      files: { 'main.go': `${GO_HEAD}func main() {\n\ts := server.NewMCPServer("x", "1")\n\ts.AddTool(mcp.NewTool("rm"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {\n\t\treturn nil, os.Remove("/x")\n\t})\n}\n` },
    });
    assert.deepEqual(rulesOf(go.findings, 'rm'), ['MCPS201']);
  });
});

describe('severity policy', () => {
  const read = `${TS_HEAD}server.tool('status', {}, async () => ({ content: [] }));\n`;
  const destructive = `${TS_HEAD}server.tool('nuke', 'Nuke', {}, { destructiveHint: true }, async () => ({ content: [] }));\n`;
  it('HTTP read tool → warning, HTTP destructive (annotation) → error, stdio → info', async () => {
    assert.equal((await lint({ files: { 'a.ts': read } })).findings[0]!.severity, 'warning');
    assert.equal((await lint({ files: { 'a.ts': destructive } })).findings[0]!.severity, 'error');
    assert.equal((await lint({ files: { 'a.ts': destructive }, transports: ['stdio'] })).findings[0]!.severity, 'info');
  });
  it('uses stable fingerprints (rule + relative file + tool), not line numbers', async () => {
    const a = (await lint({ files: { 'a.ts': read } })).findings[0]!;
    const b = (await lint({ files: { 'a.ts': `\n\n${read}` } })).findings[0]!;
    assert.equal(a.fingerprint, b.fingerprint);
  });
  it('every reported rule is in the rules table', async () => {
    for (const id of ['MCPS201', 'MCPS202', 'MCPS203', 'MCPS204', 'MCPS205', 'MCPS206', 'MCPS207', 'MCPS208']) assert.ok(RULES_BY_ID.get(id)?.category === 'authz', id);
  });
});

describe('MCPS202-MCPS208', () => {
  it('MCPS202 fail-open (TS and Python)', async () => {
    const ts = `${TS_HEAD}server.tool('w', { t: z.string() }, async ({ t }, extra) => {\n  if (extra.authInfo && !extra.authInfo.scopes.includes('w')) throw new Error('Forbidden');\n  db.set(t, t);\n  return { content: [] };\n});\n`;
    assert.deepEqual(rulesOf((await lint({ files: { 'a.ts': ts } })).findings, 'w'), ['MCPS202']);
    const py = `${PY_HEAD}@mcp.tool()\ndef w() -> str:\n    token = get_access_token()\n    if token and "w" not in token.scopes:\n        raise PermissionError("no")\n    return "ok"\n`;
    assert.deepEqual(rulesOf((await lint({ language: 'python', framework: 'mcp-python', files: { 's.py': py } })).findings, 'w'), ['MCPS202']);
  });
  it('MCPS203 decorator order', async () => {
    const py = `${PY_HEAD}def require_scope(s):\n    def deco(fn):\n        async def wrapper(*a, **k):\n            token = get_access_token()\n            if token is None or s not in token.scopes:\n                raise PermissionError(s)\n            return await fn(*a, **k)\n        return wrapper\n    return deco\n\n\n@require_scope("admin")\n@mcp.tool()\nasync def purge() -> str:\n    return "ok"\n\n\n@mcp.tool()\n@require_scope("admin")\nasync def purge2() -> str:\n    return "ok"\n`;
    const { findings, verdicts } = await lint({ language: 'python', framework: 'mcp-python', files: { 's.py': py } });
    assert.deepEqual(rulesOf(findings, 'purge'), ['MCPS203']);
    assert.equal(verdicts.find((v) => v.tool === 'purge2')!.verdict, 'protected');
  });
  it('MCPS204 client-controlled identity (argument, _meta, ctx.client_id)', async () => {
    const ts = `${TS_HEAD}server.tool('a', { role: z.string() }, async ({ role }) => {\n  if (role !== 'admin') throw new Error('Forbidden');\n  return { content: [] };\n});\nserver.tool('b', {}, async (_x, extra) => {\n  if (extra._meta?.user !== 'root') throw new Error('Forbidden');\n  return { content: [] };\n});\n`;
    const r = await lint({ files: { 'a.ts': ts } });
    assert.deepEqual(rulesOf(r.findings, 'a'), ['MCPS204']);
    assert.deepEqual(rulesOf(r.findings, 'b'), ['MCPS204']);
    const py = `${PY_HEAD}from mcp.server.fastmcp import Context\n\n@mcp.tool()\ndef c(ctx: Context) -> str:\n    if ctx.client_id != "ops":\n        raise PermissionError("no")\n    return "ok"\n`;
    assert.deepEqual(rulesOf((await lint({ language: 'python', framework: 'mcp-python', files: { 's.py': py } })).findings, 'c'), ['MCPS204']);
  });
  it('MCPS205 verifier without audience; not when audience is given', async () => {
    const ts = "import { jwtVerify } from 'jose';\nexport async function v(t: string, k: any) { return jwtVerify(t, k, { issuer: 'i' }); }\nexport async function w(t: string, k: any) { return jwtVerify(t, k, { issuer: 'i', audience: 'a' }); }\n";
    const sites = (await lint({ files: { 'auth.ts': ts } })).findings.filter((f) => f.ruleId === 'MCPS205');
    assert.equal(sites.length, 1);
    assert.equal(sites[0]!.range.start.line, 2);
  });
  it('MCPS206 token passthrough', async () => {
    const ts = `${TS_HEAD}server.tool('s', {}, async (_a, extra) => {\n  if (!extra.authInfo) throw new Error('Unauthorized');\n  await fetch('https://up', { headers: { Authorization: \`Bearer \${extra.authInfo.token}\` } });\n  return { content: [] };\n});\n`;
    assert.equal((await lint({ files: { 'a.ts': ts } })).findings.filter((f) => f.ruleId === 'MCPS206').length, 1);
  });
  it('MCPS207 HTTP without authentication; quiet with requireBearerAuth', async () => {
    const http = "import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';\nexport const t = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });\n";
    assert.equal((await lint({ files: { 'h.ts': http } })).findings.filter((f) => f.ruleId === 'MCPS207').length, 1);
    const withAuth = `${http}import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';\nexport const a = requireBearerAuth({ verifier });\n`;
    assert.equal((await lint({ files: { 'h.ts': withAuth } })).findings.filter((f) => f.ruleId === 'MCPS207').length, 0);
  });
  it('MCPS208 canAccess without authenticate; protected with it', async () => {
    const mk = (opts: string): string => `import { FastMCP } from 'fastmcp';\nconst server = new FastMCP({ name: 'x', version: '1'${opts} });\nserver.addTool({ name: 'd', canAccess: (a) => !!a, execute: async () => 'ok' });\nserver.start({ transportType: 'httpStream' });\n`;
    assert.deepEqual(rulesOf((await lint({ framework: 'fastmcp', files: { 's.ts': mk('') } })).findings, 'd'), ['MCPS208']);
    const ok = await lint({ framework: 'fastmcp', files: { 's.ts': mk(', authenticate: async (r) => verify(r)') } });
    assert.equal(ok.verdicts[0]!.verdict, 'protected');
  });
});

describe('quick fixes', () => {
  async function fixedAway(v: Virtual, file: string, tool: string, pick: (titles: string[]) => number): Promise<string> {
    const r = await lint(v);
    const finding = r.findings.find((f) => f.tool === tool)!;
    assert.ok(finding, `finding for ${tool}`);
    const text = v.files[file]!;
    const fixes = authzFixes(finding, text, r.server);
    const fix = fixes[pick(fixes.map((f) => f.title))]!;
    assert.ok(fix, `a fix among ${fixes.map((f) => f.title).join(', ')}`);
    const next = applyEdits(text, fix.edits);
    const again = await lintAuthorizationDocument(`${ROOT}/${file}`, next, r.server, { authorizationFunctions: [] });
    const kept = applySuppressions(again, next).kept;
    assert.equal(kept.filter((f) => f.tool === tool && f.ruleId === finding.ruleId).length, 0, `after the fix:\n${next}`);
    return next;
  }

  it('TS v1: inserts the SDK idiom as the first statement, indented', async () => {
    const text = `${TS_HEAD}server.tool('delete_note', { id: z.string() }, async ({ id }) => {\n  notes.delete(id);\n  return { content: [] };\n});\n`;
    const next = await fixedAway({ files: { 'a.ts': text } }, 'a.ts', 'delete_note', (t) => t.findIndex((x) => x.startsWith('Add a scope check')));
    assert.match(next, /async \(\{ id \}, extra\) => \{\n {2}if \(!extra\.authInfo\?\.scopes\.includes\('delete_note:call'\)\) throw new Error\('Forbidden: missing scope'\);\n {2}notes\.delete/);
  });

  it('TS v1: prefers the project helper when one is visible', async () => {
    const files = {
      'a.ts': `${TS_HEAD}import { requireScope } from './auth.js';\nserver.tool('drop', { id: z.string() }, async ({ id }, extra) => {\n  db.delete(id);\n  return { content: [] };\n});\n`,
      'auth.ts': "export function requireScope(extra: any, scope: string) {\n  if (!extra.authInfo?.scopes.includes(scope)) throw new Error('Forbidden');\n}\n",
    };
    const r = await lint({ files });
    const fixes = authzFixes(r.findings.find((f) => f.tool === 'drop')!, files['a.ts'], r.server);
    assert.equal(fixes[0]!.isPreferred, true);
    assert.match(fixes[0]!.title, /requireScope\(extra, 'drop:call'\)/);
    await fixedAway({ files }, 'a.ts', 'drop', () => 0);
  });

  it('Python: get_access_token check after the docstring', async () => {
    const py = `${PY_HEAD}@mcp.tool()\ndef rm(path: str) -> str:\n    """Remove."""\n    os.remove(path)\n    return "ok"\n`;
    const next = await fixedAway({ language: 'python', framework: 'mcp-python', files: { 's.py': py } }, 's.py', 'rm', (t) => t.findIndex((x) => x.startsWith('Add a scope check')));
    assert.match(next, /"""Remove\."""\n {4}token = get_access_token\(\)\n {4}if token is None or "rm:call" not in token\.scopes:\n {8}raise PermissionError/);
  });

  it('Go: check on the request context', async () => {
    const go = `${GO_HEAD}func main() {\n\ts := server.NewMCPServer("x", "1")\n\ts.AddTool(mcp.NewTool("rm"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {\n\t\treturn nil, os.Remove("/x")\n\t})\n}\n`;
    const next = await fixedAway({ language: 'go', framework: 'mcp-go', files: { 'main.go': go } }, 'main.go', 'rm', (t) => t.findIndex((x) => x.startsWith('Add a scope check')));
    assert.match(next, /\t\tif info := auth\.TokenInfoFromContext\(ctx\); info == nil/);
  });

  it('MCPS202: deny when the token is missing', async () => {
    const ts = `${TS_HEAD}server.tool('w', { t: z.string() }, async ({ t }, extra) => {\n  if (extra.authInfo && !extra.authInfo.scopes.includes('w')) throw new Error('Forbidden');\n  db.set(t, t);\n  return { content: [] };\n});\n`;
    const next = await fixedAway({ files: { 'a.ts': ts } }, 'a.ts', 'w', (t) => t.indexOf('Deny when the token is missing'));
    assert.match(next, /if \(!extra\.authInfo \|\| !extra\.authInfo\.scopes/);
  });

  it('MCPS203: moves the decorator below the tool decorator', async () => {
    const py = `${PY_HEAD}def require_scope(s):\n    def deco(fn):\n        async def wrapper(*a, **k):\n            token = get_access_token()\n            if token is None or s not in token.scopes:\n                raise PermissionError(s)\n            return await fn(*a, **k)\n        return wrapper\n    return deco\n\n\n@require_scope("admin")\n@mcp.tool()\nasync def purge() -> str:\n    return "ok"\n`;
    const next = await fixedAway({ language: 'python', framework: 'mcp-python', files: { 's.py': py } }, 's.py', 'purge', (t) => t.findIndex((x) => x.startsWith('Move')));
    assert.match(next, /@mcp\.tool\(\)\n@require_scope\("admin"\)\nasync def purge/);
  });

  it('suppression with a reason silences the finding', async () => {
    const text = `${TS_HEAD}server.tool('status', {}, async () => ({ content: [] }));\n`;
    const r = await lint({ files: { 'a.ts': text } });
    const fix = authzFixes(r.findings[0]!, text, r.server).find((f) => f.title.startsWith('Suppress'))!;
    const next = applyEdits(text, fix.edits);
    assert.match(next, /\/\/ mcp-secure-ignore MCPS201 .+\nserver\.tool\('status'/);
    // The inserted `<reason: …>` placeholder does not suppress until the user writes a reason.
    const again = await lintAuthorizationDocument(`${ROOT}/a.ts`, next, r.server, { authorizationFunctions: [] });
    assert.equal(applySuppressions(again, next).kept.length, 1);
    const reasoned = next.replace(/<reason:[^>]*>/, 'public health probe, returns no data');
    const third = await lintAuthorizationDocument(`${ROOT}/a.ts`, reasoned, r.server, { authorizationFunctions: [] });
    assert.equal(applySuppressions(third, reasoned).kept.length, 0);
  });
});

describe('robustness', () => {
  it('syntax errors: partial results, no crash', async () => {
    const text = `${TS_HEAD}server.tool('ok_tool', {}, async () => ({ content: [] }));\nserver.tool('broken', {, async () => { if (( ;\n`;
    const r = await lint({ files: { 'a.ts': text, 'b.py': 'def (:\n  @mcp.tool(\n', 'c.go': 'package main\nfunc {' } });
    assert.ok(r.verdicts.some((v) => v.tool === 'ok_tool'));
  });

  it('minified bundles and huge files stay within budget', async () => {
    const minified = `${TS_HEAD}${'var a=1;'.repeat(3000)}server.tool('m', {}, async () => ({ content: [] }));\n`;
    let t0 = Date.now();
    await lint({ files: { 'bundle.js': minified } });
    assert.ok(Date.now() - t0 < 2000);
    const huge = TS_HEAD + Array.from({ length: 12000 }, (_, i) => `server.tool('t${i}', {}, async (_a, extra) => { if (!extra.authInfo) throw new Error('x'); return { content: [] }; });`).join('\n');
    t0 = Date.now();
    const r = await lint({ files: { 'huge.ts': huge } });
    const ms = Date.now() - t0;
    process.stdout.write(`# authz full lint of a ${Math.round(huge.length / 1024)} KB file with 12,000 tools: ${ms} ms\n`);
    assert.ok(ms < 20000, `${ms} ms`);
    assert.ok(r.verdicts.length > 0);
  });

  it('re-lints one 3,000-line document quickly against cached siblings', async () => {
    const lines: string[] = [TS_HEAD];
    for (let i = 0; i < 300; i++) {
      lines.push(`server.tool('tool_${i}', { id: z.string() }, async ({ id }, extra) => {`, `  requireScope(extra, 's${i}');`, '  const x = await db.get(id);', '  if (!x) {', "    return { content: [], isError: true };", '  }', '  await db.delete(id);', '  return { content: [] };', '});', '');
    }
    const text = lines.join('\n');
    const files = { 'big.ts': text, 'auth.ts': "export function requireScope(e: any, s: string) { if (!e.authInfo?.scopes.includes(s)) throw new Error('Forbidden'); }\n" };
    const r = await lint({ files });
    assert.equal(r.findings.length, 0);
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      await lintAuthorizationDocument(`${ROOT}/big.ts`, `${text}\n// edit ${i}\n`, r.server, { authorizationFunctions: [] });
      runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    runs.sort((a, b) => a - b);
    process.stdout.write(`# authz re-lint of a ${text.split('\n').length}-line file: median ${runs[2]!.toFixed(1)} ms\n`);
    // Target is 30 ms (see src/core/authz/README.md); this bound only catches regressions on a loaded machine.
    assert.ok(runs[2]! < 500, `median ${runs[2]} ms`);
  });
});

describe('incremental re-lint', () => {
  it('reuses unchanged tools with shifted positions: same findings and fixes as a fresh lint', async () => {
    const body = (i: number, check: boolean): string => `server.tool('t${i}', { id: z.string() }, async ({ id }, extra) => {\n${check ? "  if (!extra.authInfo) throw new Error('Unauthorized');\n" : ''}  db.delete(id);\n  return { content: [] };\n});\n`;
    const text = TS_HEAD + [0, 1, 2, 3].map((i) => body(i, i % 2 === 0)).join('');
    const first = await lint({ files: { 'a.ts': text } });
    const edited = text.replace("server.tool('t0'", "// a new comment line\n  // and another\nserver.tool('t0'").replace("db.delete(id);\n  return { content: [] };\n});\nserver.tool('t3'", "db.delete(id); db.delete(id);\n  return { content: [] };\n});\nserver.tool('t3'");
    const incremental = await lintAuthorizationDocument(`${ROOT}/a.ts`, edited, first.server, { authorizationFunctions: [] });
    const incFixes = incremental.map((f) => authzFixes(f, edited, first.server));
    clearAuthorizationCache();
    const fresh = await lint({ files: { 'a.ts': edited } });
    const strip = (fs: Finding[]): unknown[] => fs.map((f) => ({ ...f })).sort((a, b) => String(a.fingerprint).localeCompare(String(b.fingerprint)));
    assert.deepEqual(strip(incremental), strip(fresh.findings));
    assert.deepEqual(incFixes, fresh.findings.map((f) => authzFixes(f, edited, fresh.server)));
  });
});

describe('demo workspace', () => {
  it('flags the planted mistakes and not the protected tools', async () => {
    clearAuthorizationCache();
    const root = path.join(__dirname, '..', '..', 'examples', 'demo-workspace');
    const d = await discover({ root });
    const { findings, verdicts } = await lintAuthorization({ root, servers: d.servers, readFile: (p) => fs.readFile(p, 'utf8').catch(() => undefined), settings: { authorizationFunctions: [] } });
    const rule = (tool: string): string[] => rulesOf(findings, tool);
    assert.deepEqual(rule('delete_note'), ['MCPS201']);
    assert.deepEqual(rule('run_report'), ['MCPS201']);
    assert.equal(findings.find((f) => f.tool === 'delete_note')!.severity, 'error');
    assert.equal(findings.find((f) => f.tool === 'run_report')!.severity, 'error');
    assert.deepEqual(rule('create_note'), ['MCPS202']);
    assert.deepEqual(rule('purge_cache'), ['MCPS203']);
    const aud = findings.filter((f) => f.ruleId === 'MCPS205');
    assert.equal(aud.length, 1);
    assert.ok(aud[0]!.file.endsWith(path.join('notes-server', 'src', 'auth.ts')));
    assert.equal(aud[0]!.range.start.line, 19);
    for (const tool of ['list_notes', 'read_note', 'set_alert_threshold']) {
      assert.deepEqual(rule(tool), [], tool);
      assert.equal(verdicts.find((v) => v.tool === tool)!.verdict, 'protected', tool);
    }
    assert.ok(findings.filter((f) => ['get_forecast', 'get_alerts'].includes(f.tool ?? '')).every((f) => f.severity === 'warning'));
    assert.ok(findings.filter((f) => ['list_issues', 'label_issue', 'close_issue'].includes(f.tool ?? '')).every((f) => f.severity === 'info'));
  });
});
