import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { ServerProject } from '../../src/core/model';
import { clearAuthorizationCache, lintAuthorization } from '../../src/core/authz';
import { analyzeProjects, analyzeProjectsDetailed, type ProjectAnalysis } from '../../src/core/projects';

const FIXTURES = path.resolve(__dirname, '../fixtures/projects');

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const readFile = async (file: string): Promise<string | undefined> => fs.promises.readFile(file, 'utf8');

type ToolRow = [name: string, file: string, line: number, column: number];

interface Expected {
  framework: ServerProject['framework'];
  language: ServerProject['language'];
  manifest: string;
  transports: ServerProject['transports'];
  tools: ToolRow[];
}

/** Every server project under test/fixtures/projects, keyed by root relative to it. */
const EXPECTED: Record<string, Expected> = {
  'ts-sdk-v1': {
    framework: 'mcp-sdk', language: 'typescript', manifest: 'package.json', transports: ['stdio', 'http'],
    tools: [
      ['survives_syntax_error', 'src/broken.ts', 4, 13],
      ['ping', 'src/index.ts', 15, 13],
      ['list_notes', 'src/index.ts', 18, 13],
      ['read_note', 'src/index.ts', 21, 13],
      ['update_note', 'src/index.ts', 25, 3],
      ['search_notes', 'src/index.ts', 32, 13],
      ['delete_note', 'src/index.ts', 35, 13],
      ['archive_note', 'src/index.ts', 39, 3],
      ['export_notes', 'src/index.ts', 45, 21],
      ['word_count', 'src/tools/extra.ts', 4, 20],
    ],
  },
  'ts-sdk-v1/packages/inner': {
    framework: 'mcp-sdk', language: 'typescript', manifest: 'package.json', transports: ['sse'],
    tools: [['inner_tool', 'src/server.ts', 5, 13]],
  },
  'ts-lowlevel': {
    framework: 'mcp-sdk', language: 'typescript', manifest: 'package.json', transports: ['sse'],
    tools: [
      ['search_repositories', 'src/server.ts', 10, 34],
      ['push_files', 'src/server.ts', 11, 30],
      ['echo', 'src/server.ts', 17, 13],
      ['add', 'src/server.ts', 18, 13],
    ],
  },
  'ts-lowlevel-cases': {
    framework: 'mcp-sdk', language: 'javascript', manifest: 'package.json', transports: ['stdio'],
    tools: [
      ['get_forecast', 'index.js', 14, 31],
      ['get_alerts', 'index.js', 18, 10],
    ],
  },
  'ts-sdk-v2': {
    framework: 'mcp-sdk-v2', language: 'typescript', manifest: 'package.json', transports: ['http'],
    tools: [
      ['low_v2', 'src/lowlevel.ts', 6, 19],
      ['purge_notes', 'src/main.ts', 7, 21],
      ['greet', 'src/main.ts', 15, 3],
    ],
  },
  'fastmcp-ts': {
    framework: 'fastmcp', language: 'typescript', manifest: 'package.json', transports: ['stdio', 'http'],
    tools: [
      ['add', 'src/server.ts', 7, 9],
      ['subtract', 'src/server.ts', 14, 9],
      ['multiply', 'src/server.ts', 22, 36],
    ],
  },
  'mcp-framework': {
    framework: 'mcp-framework', language: 'typescript', manifest: 'package.json', transports: ['http'],
    tools: [['greet', 'src/tools/GreetTool.ts', 9, 10]],
  },
  'js-commonjs': {
    framework: 'mcp-sdk', language: 'javascript', manifest: 'package.json', transports: ['stdio'],
    tools: [
      ['cjs_tool', 'index.js', 7, 13],
      ['from_helper', 'lib/helpers.js', 3, 18],
    ],
  },
  'mcp-handler': {
    framework: 'mcp-handler', language: 'typescript', manifest: 'package.json', transports: ['http'],
    tools: [['roll_dice', 'app/api/mcp/route.ts', 5, 15]],
  },
  xmcp: {
    framework: 'xmcp', language: 'typescript', manifest: 'package.json', transports: ['http'],
    tools: [
      ['farewell', 'src/tools/farewell.ts', 3, 31],
      ['greet_user', 'src/tools/greet.ts', 4, 9],
    ],
  },
  'py-fastmcp-sdk': {
    framework: 'mcp-python', language: 'python', manifest: 'pyproject.toml', transports: ['stdio'],
    tools: [
      ['survives', 'broken.py', 5, 5],
      ['get_alerts', 'server.py', 9, 11],
      ['get_forecast', 'server.py', 14, 16],
      ['délete_cache', 'server.py', 19, 16],
      ['reset', 'server.py', 28, 30],
      ['clear', 'server.py', 29, 14],
      ['echo', 'tools/extra.py', 5, 5],
    ],
  },
  'py-fastmcp2': {
    framework: 'fastmcp-python', language: 'python', manifest: 'requirements.txt', transports: ['http'],
    tools: [
      ['add', 'app.py', 8, 5],
      ['multiply_numbers', 'app.py', 12, 11],
      ['safe_divide', 'app.py', 21, 46],
    ],
  },
  'py-lowlevel': {
    framework: 'mcp-python', language: 'python', manifest: 'setup.cfg', transports: ['stdio', 'sse'],
    tools: [
      ['get_weather', 'server.py', 13, 25],
      ['get_alerts', 'server.py', 14, 25],
    ],
  },
  'py-uvlock': {
    framework: 'mcp-python', language: 'python', manifest: 'uv.lock', transports: ['http'],
    tools: [['whoami', 'main.py', 10, 5]],
  },
  'py-setup-py': {
    framework: 'mcp-python', language: 'python', manifest: 'setup.py', transports: ['http'],
    tools: [['lookup', 'app.py', 7, 5]],
  },
  'py-poetry': {
    framework: 'fastmcp-python', language: 'python', manifest: 'pyproject.toml', transports: ['sse'],
    tools: [['list_repos', 'srv.py', 6, 16]],
  },
  'py-pipfile': {
    framework: 'mcp-python', language: 'python', manifest: 'Pipfile', transports: ['sse'],
    tools: [['pip_tool', 'server.py', 7, 5]],
  },
  'py-requirements-dir': {
    framework: 'mcp-python', language: 'python', manifest: 'requirements/base.txt', transports: [],
    tools: [['from_requirements_dir', 'server.py', 7, 5]],
  },
  'go-mcp-go': {
    framework: 'mcp-go', language: 'go', manifest: 'go.mod', transports: ['stdio', 'http'],
    tools: [
      ['hello_world', 'main.go', 16, 22],
      ['calculate', 'main.go', 22, 24],
      ['raw_tool', 'main.go', 26, 49],
    ],
  },
  'go-sdk': {
    framework: 'go-sdk', language: 'go', manifest: 'go.mod', transports: ['stdio', 'http'],
    tools: [
      ['greet', 'main.go', 27, 38],
      ['admin_reset', 'main.go', 29, 27],
    ],
  },
};

describe('analyzeProjects over test/fixtures/projects', () => {
  let servers: ServerProject[] = [];
  let detailed: ProjectAnalysis[] = [];
  let problems: Awaited<ReturnType<typeof analyzeProjects>>['problems'] = [];
  const byRoot = (rel: string): ServerProject | undefined => servers.find((s) => s.root === path.join(FIXTURES, rel));

  before(async () => {
    const files = walk(FIXTURES);
    ({ servers, problems } = await analyzeProjects({ root: FIXTURES, files, readFile }));
    ({ projects: detailed } = await analyzeProjectsDetailed({ root: FIXTURES, files, readFile }));
  });

  it('finds exactly the expected server projects (decoys, clients and transitive deps excluded)', () => {
    const roots = servers.map((s) => path.relative(FIXTURES, s.root)).sort();
    assert.deepEqual(roots, Object.keys(EXPECTED).sort());
  });

  for (const [rel, exp] of Object.entries(EXPECTED)) {
    it(`${rel}: framework, language, manifest, transports, tools with 1-based positions`, () => {
      const server = byRoot(rel);
      assert.ok(server, `no server at ${rel}`);
      const root = path.join(FIXTURES, rel);
      assert.equal(server.framework, exp.framework);
      assert.equal(server.language, exp.language);
      assert.equal(server.manifest, path.join(root, exp.manifest));
      assert.deepEqual(server.transports, exp.transports);
      const rows = server.tools.map((t): ToolRow => [t.name, path.relative(root, t.file).split(path.sep).join('/'), t.line, t.column]);
      assert.deepEqual(rows, exp.tools);
      for (const t of server.tools) {
        assert.equal(t.range.start.line, t.line);
        assert.equal(t.range.start.column, t.column);
      }
    });
  }

  it('reports the name literal range with UTF-16 offsets (non-ASCII name)', () => {
    const tool = byRoot('py-fastmcp-sdk')?.tools.find((t) => t.name === 'délete_cache');
    assert.ok(tool);
    const text = fs.readFileSync(tool.file, 'utf8');
    assert.equal(text.slice(tool.range.start.offset, tool.range.end.offset), '"délete_cache"');
    assert.deepEqual([tool.range.end.line, tool.range.end.column], [19, 30]);
  });

  it('skips a minified file with a note on its project and does not report its tool', () => {
    const server = byRoot('js-commonjs');
    assert.ok(server);
    assert.equal(server.tools.some((t) => t.name === 'hidden_minified'), false);
    assert.equal(server.problems.length, 1);
    assert.equal(server.problems[0]?.severity, 'note');
    assert.equal(server.problems[0]?.file, path.join(FIXTURES, 'js-commonjs/lib/bundle.min.js'));
    assert.match(server.problems[0]?.message ?? '', /minified/);
  });

  it('reports a malformed manifest as a problem instead of throwing', () => {
    assert.deepEqual(problems.map((p) => [path.relative(FIXTURES, p.file), p.severity]), [['broken-manifest/package.json', 'note']]);
  });

  it('excludes tests, type declarations, nested packages and other libraries\' look-alike calls', () => {
    const all = servers.flatMap((s) => s.tools.map((t) => t.name));
    for (const name of ['only_in_tests', 'seed_tool', 'not_an_mcp_tool', 'looks_like_mcp', 'not_declared', 'hidden_unlisted']) {
      assert.equal(all.includes(name), false, name);
    }
    const v1 = detailed.find((p) => p.server.root === path.join(FIXTURES, 'ts-sdk-v1'));
    assert.ok(v1);
    const files = v1.sourceFiles.map((f) => path.relative(v1.server.root, f).split(path.sep).join('/'));
    assert.deepEqual(files, ['src/agent.ts', 'src/broken.ts', 'src/http.ts', 'src/index.ts', 'src/tools/extra.ts']);
  });

  it('keeps registration kinds and handler ranges for the authorization linter', () => {
    const low = detailed.find((p) => p.server.root === path.join(FIXTURES, 'ts-lowlevel'));
    assert.ok(low);
    const echo = low.registrations.find((r) => r.name === 'echo');
    assert.equal(echo?.kind, 'low-level-list');
    assert.equal(echo?.handlerRange?.start.line, 28, 'the list entry gets its case arm as handler');
    assert.equal(low.registrations.find((r) => r.name === 'push_files')?.handlerRange, undefined);

    const v1 = detailed.find((p) => p.server.root === path.join(FIXTURES, 'ts-sdk-v1'));
    const kinds = Object.fromEntries((v1?.registrations ?? []).map((r) => [r.name, r.kind]));
    assert.equal(kinds['ping'], 'sdk-tool');
    assert.equal(kinds['archive_note'], 'register-tool');
    const del = v1?.registrations.find((r) => r.name === 'delete_note');
    assert.equal(del?.handlerRange?.start.line, 35, 'identifier handler at the call');
    assert.equal(del?.receiver, 'server');

    const py = detailed.find((p) => p.server.root === path.join(FIXTURES, 'py-lowlevel'));
    const weather = py?.registrations.find((r) => r.name === 'get_weather');
    assert.equal(weather?.kind, 'py-low-level-list');
    assert.equal(weather?.handlerRange?.start.line, 21, 'the if-arm of call_tool');

    const reset = detailed.find((p) => p.server.root === path.join(FIXTURES, 'py-fastmcp-sdk'))?.registrations.find((r) => r.name === 'reset');
    assert.equal(reset?.kind, 'py-add-tool');
    assert.equal(reset?.handlerRange?.start.line, 24, 'add_tool(fn) resolves fn to its def');

    const go = detailed.find((p) => p.server.root === path.join(FIXTURES, 'go-sdk'))?.registrations;
    assert.deepEqual(go?.map((r) => [r.name, r.kind, r.handlerRange?.start.line]), [
      ['greet', 'go-sdk-add-tool', 27],
      ['admin_reset', 'go-sdk-add-tool', 30],
    ]);
  });

  it('scopes files to the given root and tolerates unreadable files', async () => {
    const root = path.join(FIXTURES, 'py-fastmcp-sdk');
    const files = walk(root);
    const result = await analyzeProjects({
      root,
      files,
      readFile: async (f) => {
        if (f.endsWith('server.py')) throw new Error('EACCES: permission denied');
        if (f.endsWith('extra.py')) return undefined;
        return fs.promises.readFile(f, 'utf8');
      },
    });
    assert.equal(result.servers.length, 1);
    const server = result.servers[0];
    assert.deepEqual(server?.tools.map((t) => t.name), ['survives']);
    assert.deepEqual(server?.problems.map((p) => [path.basename(p.file), p.severity]), [['server.py', 'note']]);
  });
});

describe('tool names from string constants exported by a sibling module', () => {
  const root = '/virtual/ctx7';
  const files: Record<string, string> = {
    [`${root}/package.json`]: '{ "name": "ctx7", "dependencies": { "@modelcontextprotocol/sdk": "^1.17.0" } }',
    [`${root}/src/lib/tool-names.ts`]: [
      'export const QUERY_DOCS_TOOL = "query-docs";',
      "export const RESOLVE_TOOL: string = 'resolve-library-id';",
      'export const Tools = { SEARCH: "search-docs", "FETCH": `fetch-docs` } as const;',
      'export const NOT_A_NAME = prefix + "x";',
    ].join('\n'),
    [`${root}/src/lib/index.ts`]: 'export const INDEX_TOOL = "from-index";\n',
    [`${root}/src/index.ts`]: [
      'import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";',
      'import { QUERY_DOCS_TOOL, RESOLVE_TOOL as RESOLVE, Tools, NOT_A_NAME } from "./lib/tool-names.js";',
      'import * as names from "./lib/tool-names.js";',
      'import { INDEX_TOOL } from "./lib";',
      'import { OTHER } from "some-package";',
      'const server = new McpServer({ name: "x", version: "1" });',
      'server.registerTool(QUERY_DOCS_TOOL, {}, async () => ({ content: [] }));',
      'server.registerTool(RESOLVE, {}, async () => ({ content: [] }));',
      'server.registerTool(Tools.SEARCH, {}, async () => ({ content: [] }));',
      'server.registerTool(Tools.FETCH, {}, async () => ({ content: [] }));',
      'server.registerTool(names.QUERY_DOCS_TOOL, {}, async () => ({ content: [] }));',
      'server.registerTool(INDEX_TOOL, {}, async () => ({ content: [] }));',
      'server.registerTool(NOT_A_NAME, {}, async () => ({ content: [] }));',
      'server.registerTool(OTHER, {}, async () => ({ content: [] }));',
    ].join('\n'),
  };
  const read = (over: Record<string, string> = {}) => async (f: string): Promise<string | undefined> => over[f] ?? files[f];

  it('resolves named, aliased, namespace, index-module and object-member imports; skips the rest', async () => {
    const { servers } = await analyzeProjects({ root, files: Object.keys(files), readFile: read() });
    assert.deepEqual(servers[0]?.tools.map((t) => t.name), ['query-docs', 'resolve-library-id', 'search-docs', 'fetch-docs', 'query-docs', 'from-index']);
    const names = `${root}/src/lib/tool-names.ts`;
    const changed = await analyzeProjects({ root, files: Object.keys(files), readFile: read({ [names]: files[names]!.replace('"query-docs"', '"query-docs-v2"') }) });
    assert.deepEqual(changed.servers[0]?.tools.map((t) => t.name).slice(0, 1), ['query-docs-v2']);
  });

  it('gives the authorization linter the same names', async () => {
    clearAuthorizationCache();
    const { servers } = await analyzeProjects({ root, files: Object.keys(files), readFile: read() });
    const { verdicts } = await lintAuthorization({ root, servers, readFile: read(), settings: { authorizationFunctions: [] } });
    assert.deepEqual([...new Set(verdicts.map((v) => v.tool))].sort(), ['fetch-docs', 'from-index', 'query-docs', 'resolve-library-id', 'search-docs']);
  });
});
