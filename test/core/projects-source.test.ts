import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getParser, languageForFile, parseSource, withTree } from '../../src/core/parse/treeSitter';
import { SOURCE_LIMITS, analyzeSourceText, budgetProblem, withSourceFacts } from '../../src/core/projects';

/** name, line, column of each tool a snippet registers. */
async function tools(file: string, text: string, framework?: Parameters<typeof analyzeSourceText>[2]): Promise<Array<[string, number, number]>> {
  const { facts } = await analyzeSourceText(file, text, framework);
  return facts.registrations.map((r) => [r.name, r.nameRange.start.line, r.nameRange.start.column]);
}

async function transports(file: string, text: string): Promise<string[]> {
  return (await analyzeSourceText(file, text)).facts.transports.sort();
}

const SDK_IMPORT = 'import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";\n';

describe('tree-sitter loader', () => {
  it('maps extensions to grammars', () => {
    assert.equal(languageForFile('/a/b.ts'), 'typescript');
    assert.equal(languageForFile('/a/b.MTS'), 'typescript');
    assert.equal(languageForFile('/a/b.tsx'), 'tsx');
    assert.equal(languageForFile('/a/b.cjs'), 'javascript');
    assert.equal(languageForFile('/a/b.py'), 'python');
    assert.equal(languageForFile('/a/b.go'), 'go');
    assert.equal(languageForFile('/a/b.rs'), undefined);
  });

  it('keeps one parser per grammar and parses every language', async () => {
    assert.equal(await getParser('python'), await getParser('python'));
    const samples = { typescript: 'let a: number = 1;', tsx: 'const x = <div/>;', javascript: 'let a = 1;', python: 'a = 1\n', go: 'package m\n' } as const;
    for (const [lang, text] of Object.entries(samples)) {
      const type = await withTree(lang as keyof typeof samples, text, (tree) => tree.rootNode.hasError);
      assert.equal(type, false, lang);
    }
  });

  it('gives up on a parse that runs over its time budget, then parses normally again', async () => {
    const big = 'let a = [' + '1,'.repeat(400_000) + '];';
    assert.equal(await parseSource('javascript', big, { timeoutMs: 0 }), undefined);
    const ok = await withTree('javascript', 'let b = 2;', (tree) => tree.rootNode.type);
    assert.equal(ok, 'program');
  });
});

describe('source analysis: TypeScript / JavaScript', () => {
  it('recovers registrations from a file with syntax errors', async () => {
    const text = SDK_IMPORT + 'const server = new McpServer({});\nserver.tool("before", async () => ({}));\nfunction ((( {\nserver.tool("after", async () => ({}));\n';
    const found = await tools('/p/a.ts', text);
    assert.deepEqual(found.map((t) => t[0]).includes('before'), true);
  });

  it('requires an MCP import or a server-like receiver, and vetoes other libraries\' objects', async () => {
    assert.deepEqual(await tools('/p/a.js', 'agent.tool("x", async () => ({}));'), []);
    assert.deepEqual(await tools('/p/a.js', 'myServer.tool("x", async () => ({}));'), [['x', 1, 15]]);
    const veto = SDK_IMPORT + 'import { Bot } from "chat-lib";\nconst server = new Bot();\nserver.tool("x", async () => ({}));\n';
    assert.deepEqual(await tools('/p/a.ts', veto), []);
    const local = SDK_IMPORT + 'import { makeServer } from "./factory";\nconst server = makeServer();\nserver.tool("x", async () => ({}));\n';
    assert.deepEqual(await tools('/p/a.ts', local), [['x', 4, 13]]);
  });

  it('registers on this.server and resolves object-constant names', async () => {
    const text = SDK_IMPORT + [
      'const NAMES = { search: "search_docs" } as const;',
      'class App {',
      '  server = new McpServer({ name: "a", version: "1" });',
      '  constructor() { this.server.tool(NAMES.search, async () => ({ content: [] })); }',
      '}',
    ].join('\n');
    assert.deepEqual(await tools('/p/a.ts', text), [['search_docs', 5, 36]]);
  });

  it('skips names it cannot resolve to a string', async () => {
    const text = SDK_IMPORT + 'const server = new McpServer({});\nserver.tool(nameFromEnv(), async () => ({}));\nserver.tool(`x_${y}`, async () => ({}));\n';
    assert.deepEqual(await tools('/p/a.ts', text), []);
  });

  it('parses TSX files', async () => {
    const text = SDK_IMPORT + 'const server = new McpServer({});\nconst el = <div>{1}</div>;\nserver.registerTool("render", {}, async () => ({ content: [] }));\n';
    assert.deepEqual(await tools('/p/a.tsx', text), [['render', 4, 21]]);
  });

  it('reads fastmcp start() defaults and transport options', async () => {
    const base = 'import { FastMCP } from "fastmcp";\nconst server = new FastMCP({ name: "x", version: "1.0.0" });\n';
    assert.deepEqual(await transports('/p/a.ts', base + 'server.start();\n'), ['stdio']);
    assert.deepEqual(await transports('/p/a.ts', base + 'server.start({ transportType: "sse" });\n'), ['sse']);
    assert.deepEqual(await transports('/p/a.ts', base + 'server.start({ transportType: mode });\n'), []);
  });

  it('gives the authorization linter nodes while the tree is alive', async () => {
    const text = SDK_IMPORT + 'const server = new McpServer({});\nserver.tool("t", { id: z.string() }, async ({ id }, extra) => ({ content: [] }));\n';
    const seen = await withSourceFacts('/p/a.ts', text, (facts, tree) => {
      const reg = facts.registrations[0];
      return [reg?.kind, reg?.handlerNode?.type, reg?.registrationNode.type, reg?.nameNode.text, tree.rootNode.type];
    });
    assert.deepEqual(seen, ['sdk-tool', 'arrow_function', 'call_expression', '"t"', 'program']);
  });

  it('finds server.experimental.tasks.registerToolTask(name, config, { createTask, ... }) with createTask as the handler', async () => {
    const text = 'import { z } from "zod";\n' + [
      'export const register = (server) => {',
      '  server.experimental.tasks.registerToolTask("research", { inputSchema: {}, execution: { taskSupport: "required" } }, {',
      '    createTask: async (args, extra) => { const task = await extra.taskStore.createTask({}); return { task }; },',
      '    getTask: async (args, extra) => extra.taskStore.getTask(extra.taskId),',
      '    async getTaskResult(args, extra) { return extra.taskStore.getTaskResult(extra.taskId); },',
      '  });',
      '  agent.experimental.tasks.registerToolTask("not_mcp", {}, { createTask: async () => ({}) });',
      '};',
    ].join('\n');
    const seen = await withSourceFacts('/p/a.js', text, (facts) => facts.registrations.map((r) => [r.name, r.kind, r.handlerNode?.type, r.handlerNode?.parent?.type === 'pair' ? r.handlerNode.parent.child(0)?.text : undefined]));
    assert.deepEqual(seen, [['research', 'register-tool', 'arrow_function', 'createTask']]);
    const method = SDK_IMPORT + 'const server = new McpServer({});\nconst handlers = { async createTask(args, extra) { return { task: {} }; }, getTask: h, getTaskResult: h };\nserver.experimental.tasks.registerToolTask("m", {}, handlers);\n';
    const kinds = await withSourceFacts('/p/b.ts', method, (facts) => facts.registrations.map((r) => [r.name, r.handlerNode?.type]));
    assert.deepEqual(kinds, [['m', 'method_definition']]);
  });

  it('reads fastmcp addTool({ ...toolConstant, _meta }) through the spread; a later own property wins', async () => {
    const text = 'import { FastMCP } from "fastmcp";\nconst server = new FastMCP({ name: "f", version: "1" });\n' + [
      'const scrapeTool = { name: "scrape", execute: async (args) => "ok" };',
      'server.addTool({ ...scrapeTool, _meta: { alwaysLoad: true } });',
      'const renamed = { ...scrapeTool, name: "scrape_v2" };',
      'server.addTool(renamed);',
      'server.addTool({ name: "shadowed", ...scrapeTool });',
    ].join('\n');
    const seen = await withSourceFacts('/p/a.js', text, (facts) => facts.registrations.map((r) => [r.name, r.handlerNode?.type]), { framework: 'fastmcp' });
    assert.deepEqual(seen!.map((x) => x.join(' ')).sort(), ['scrape arrow_function', 'scrape arrow_function', 'scrape_v2 arrow_function']);
  });

  it('reads the dispatch arms of a tools/call handler passed through a wrapper call', async () => {
    const text = SDK_IMPORT + [
      'import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";',
      'import { allTools } from "./tools.js";',
      'const server = new Server({});',
      'server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: allTools.filter(ok) }));',
      'server.setRequestHandler(CallToolRequestSchema, withTelemetry(async (request) => {',
      '  const { name } = request.params;',
      '  if (name === "kubectl_get") return get();',
      '  if (name === "kubectl_delete") return del();',
      '}));',
    ].join('\n');
    assert.deepEqual((await tools('/p/k.ts', text)).map((t) => t[0]), ['kubectl_get', 'kubectl_delete']);
  });

  it('skips over-budget text with a note and unknown extensions silently', async () => {
    const long = 'x'.repeat(SOURCE_LIMITS.maxLineLength + 1);
    assert.equal(budgetProblem('/p/a.js', long)?.severity, 'note');
    const big = 'a\n'.repeat(SOURCE_LIMITS.maxChars / 2 + 1);
    const result = await analyzeSourceText('/p/a.py', big);
    assert.deepEqual(result.facts.registrations, []);
    assert.match(result.problems[0]?.message ?? '', /over the/);
    assert.deepEqual(await analyzeSourceText('/p/a.rb', 'server.tool("x")'), { facts: { registrations: [], transports: [], serverEvidence: false }, problems: [] });
  });
});

describe('source analysis: Python', () => {
  const head = 'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP("x")\n';

  it('reads run() transports: default, literal, conditional, unknown', async () => {
    assert.deepEqual(await transports('/p/a.py', head + 'mcp.run()\n'), ['stdio']);
    assert.deepEqual(await transports('/p/a.py', head + 'mcp.run(transport="streamable-http")\n'), ['http']);
    assert.deepEqual(await transports('/p/a.py', head + 'mcp.run(transport="sse" if remote else "stdio")\n'), ['sse', 'stdio']);
    assert.deepEqual(await transports('/p/a.py', head + 'mcp.run(transport=args.transport)\n'), []);
    assert.deepEqual(await transports('/p/a.py', head + 'import uvicorn\nuvicorn.run(app)\n'), []);
  });

  it('handles decorators on methods, f-strings and other libraries', async () => {
    const text = head + [
      '@mcp.tool(name=f"x_{n}")',
      'def dynamic(): pass',
      '@mcp.tool(description="d")',
      'async def plain(): pass',
      'from celery import Celery',
      'worker = Celery()',
      '@worker.tool()',
      'def not_mcp(): pass',
    ].join('\n');
    assert.deepEqual(await tools('/p/a.py', text), [['plain', 6, 11]]);
  });

  it('reads match/case arms when the list_tools handler builds its list elsewhere', async () => {
    const text = 'from mcp.server.lowlevel import Server\nserver = Server("x")\n@server.list_tools()\nasync def lt():\n    return load()\n@server.call_tool()\nasync def ct(name, args):\n    match name:\n        case "one":\n            return []\n        case "two":\n            return []\n';
    const { facts } = await analyzeSourceText('/p/a.py', text);
    assert.deepEqual(facts.registrations.map((r) => [r.name, r.kind, r.nameRange.start.line]), [
      ['one', 'py-low-level-case', 9],
      ['two', 'py-low-level-case', 11],
    ]);
  });
});

describe('source analysis: Go', () => {
  it('resolves import aliases and ignores files without an SDK import', async () => {
    const aliased = 'package main\nimport (\n\tmcpgo "github.com/mark3labs/mcp-go/mcp"\n\t"github.com/mark3labs/mcp-go/server"\n)\nfunc main() {\n\ts := server.NewMCPServer("a", "1")\n\ts.AddTool(mcpgo.NewTool("aliased"), h)\n\tserver.NewSSEServer(s)\n}\n';
    const { facts } = await analyzeSourceText('/p/main.go', aliased);
    assert.deepEqual(facts.registrations.map((r) => [r.name, r.nameRange.start.line, r.nameRange.start.column]), [['aliased', 8, 26]]);
    assert.deepEqual(facts.transports, ['sse']);
    const unrelated = 'package main\nimport "example.com/mcp"\nfunc main() { s.AddTool(mcp.NewTool("x"), h) }\n';
    assert.deepEqual(await tools('/p/main.go', unrelated), []);
  });
});

describe('source analysis: Python decorator applied by hand', () => {
  it('reads mcp.tool()(fn) and mcp.tool(name=...)(fn)', async () => {
    const text = 'from fastmcp import FastMCP\nmcp = FastMCP("x")\ndef a(): pass\ndef b(): pass\nmcp.tool()(a)\nmcp.tool(name="bee")(b)\n';
    const { facts } = await analyzeSourceText('/p/a.py', text);
    assert.deepEqual(facts.registrations.map((r) => [r.name, r.nameRange.start.line, r.nameRange.start.column, r.handlerRange?.start.line]), [
      ['a', 5, 12, 3],
      ['bee', 6, 15, 4],
    ]);
  });
});

describe('source analysis: receivers bound to look-alike constructors', () => {
  it('judges a constructor by where it is imported from, not by its name', async () => {
    const ts = 'import { Server } from "some-rpc";\nimport type { Tool } from "@modelcontextprotocol/sdk/types.js";\nconst rpc = new Server();\nrpc.tool("x", async () => ({}));\n';
    assert.deepEqual(await tools('/p/a.ts', ts), []);
    const py = 'import mcp.types as types\nfrom rpc_lib import Server\nrpc = Server()\n@rpc.tool()\ndef x(): pass\n';
    assert.deepEqual(await tools('/p/a.py', py), []);
  });
});

describe('source analysis: handlers passed through a wrapper call', () => {
  it('finds server.tool(name, ..., wrapper(handler)) in every v1 overload, and registerTool with a wrapper', async () => {
    const text = SDK_IMPORT + [
      'const server = new McpServer({ name: "x", version: "1" });',
      'server.tool("a", withAuth(async () => ({ content: [] })));',
      'server.tool("b", "desc", { id: z.string() }, guarded(handler));',
      'server.tool("c", { id: z.string() }, requireScopes(["s"], async ({ id }, extra) => ({ content: [] })));',
      'server.tool("d", { id: z.string() }, scoped("billing")(async () => ({ content: [] })));',
      'server.tool("e", { id: z.string() }, (withAuth(this.handleDelete.bind(this))) as ToolCallback);',
      'server.registerTool("f", { description: "d" }, withAuth(async (args, extra) => ({ content: [] })));',
      // Not a callback: a schema builder as the last argument registers nothing.
      'server.tool("g", z.object({ id: z.string() }));',
      'server.tool("h", "desc", makeSchema({ id: 1 }));',
    ].join('\n');
    const { facts } = await analyzeSourceText('/p/a.ts', text);
    assert.deepEqual(facts.registrations.map((r) => [r.name, r.kind, r.nameRange.start.line, r.handlerRange?.start.line]), [
      ['a', 'sdk-tool', 3, 3],
      ['b', 'sdk-tool', 4, 4],
      ['c', 'sdk-tool', 5, 5],
      ['d', 'sdk-tool', 6, 6],
      ['e', 'sdk-tool', 7, 7],
      ['f', 'register-tool', 8, 8],
    ]);
  });
});

describe('source analysis: Python add_tool without name=', () => {
  it('names the tool after the function: add_tool(fn), add_tool(module.fn), Tool.from_function(module.fn), tool()(module.fn)', async () => {
    const text = [
      'from mcp.server.fastmcp import FastMCP',
      'from mcp.server.fastmcp.tools import Tool',
      'import handlers',
      'mcp = FastMCP("x")',
      'def local_fn(): pass',
      'mcp.add_tool(local_fn)',
      'mcp.add_tool(handlers.export_report)',
      'mcp.add_tool(Tool.from_function(handlers.rotate))',
      'mcp.add_tool(handlers.purge, name="purge_all")',
      'mcp.tool()(handlers.by_hand)',
      'mcp.add_tool(make_handler())',
    ].join('\n') + '\n';
    const { facts } = await analyzeSourceText('/p/server.py', text);
    assert.deepEqual(facts.registrations.map((r) => [r.name, r.kind, r.nameRange.start.line, r.nameRange.start.column]), [
      ['local_fn', 'py-add-tool', 6, 14],
      ['export_report', 'py-add-tool', 7, 23],
      ['rotate', 'py-add-tool', 8, 42],
      ['purge_all', 'py-add-tool', 9, 35],
      ['by_hand', 'py-tool-decorator', 10, 21],
    ]);
  });
});

describe('module specifiers (read from the words `import` / `require`, confirmed on the tree)', () => {
  const SERVER = "'@modelcontextprotocol/sdk/server/index.js'";
  const cases: Array<[string, string, boolean]> = [
    ['import statement', `import { Server } from ${SERVER};\n`, true],
    ['import nested in a module declaration', `declare module 'x' {\n  import { Server } from ${SERVER};\n}\n`, true],
    ['require', `const s = require(${SERVER});\n`, true],
    ['require without spaces, member read', `x=require(${SERVER}).Server;\n`, true],
    ['dynamic import', `const s = await import(${SERVER});\n`, true],
    ['require called on a member', `const s = require(${SERVER}).load();\n`, true],
    ['in a comment', `// import { Server } from ${SERVER};\n`, false],
    ['in a string', `const t = "require(${SERVER.replace(/'/g, '')})";\n`, false],
    ['a longer name', `important(${SERVER}); requireAll(${SERVER});\n`, false],
    ['import.meta', `const u = import.meta.resolve(${SERVER});\n`, false],
  ];
  for (const [what, text, evidence] of cases) {
    it(`${what}: ${evidence ? '' : 'no '}server evidence`, async () => {
      for (const file of ['/p/a.ts', '/p/a.js']) {
        // `tool` passes the prefilter; `declare module` is TypeScript only.
        if (file.endsWith('.js') && text.startsWith('declare')) continue;
        const { facts } = await analyzeSourceText(file, `${text}const tool = 1;\n`);
        assert.equal(facts.serverEvidence, evidence, `${file}: ${text}`);
      }
    });
  }
});
