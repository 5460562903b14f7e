// Generates a realistic workspace tree for the discovery benchmark: many MCP server projects
// (TypeScript and Python), each with client configs, source files, a deep node_modules,
// virtualenvs, build output and gitignored folders. Deterministic for a given size.
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

function write(root, rel, content) {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

const TS_SERVER = (i) => `import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'svc-${i}', version: '1.0.0' });

server.tool('list_items_${i}', 'List items', { limit: z.number() }, async ({ limit }) => ({
  content: [{ type: 'text', text: String(limit) }],
}));

server.registerTool('delete_item_${i}', { description: 'Delete', inputSchema: { id: z.string() } }, async ({ id }) => ({
  content: [{ type: 'text', text: id }],
}));

await server.connect(new StdioServerTransport());
`;

const PY_SERVER = (i) => `from mcp.server.fastmcp import FastMCP

mcp = FastMCP("svc-${i}")


@mcp.tool()
def get_record_${i}(record_id: str) -> str:
    """Return a record."""
    return record_id


@mcp.tool()
async def purge_${i}() -> str:
    return "ok"


if __name__ == "__main__":
    mcp.run(transport="streamable-http")
`;

/**
 * @param {string} root
 * @param {{ projects: number, filesTarget: number }} size
 * @returns {{ files: number }}
 */
export function generateTree(root, { projects, filesTarget }) {
  const marker = join(root, '.bench-tree.json');
  const spec = JSON.stringify({ projects, filesTarget, v: 2 });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === spec) {
    return JSON.parse(readFileSync(join(root, '.bench-count.json'), 'utf8'));
  }
  let files = 0;
  const add = (rel, content) => {
    write(root, rel, content);
    files++;
  };
  add('.gitignore', 'node_modules/\ndist/\n.venv/\ncoverage/\n*.log\ngenerated/\n');
  const perProjectDeps = Math.max(1, Math.floor((filesTarget - projects * 12) / projects));
  for (let i = 0; i < projects; i++) {
    const dir = `packages/p${String(i).padStart(3, '0')}`;
    const python = i % 4 === 3;
    if (python) {
      add(`${dir}/pyproject.toml`, `[project]\nname = "svc-${i}"\ndependencies = ["mcp[cli]>=1.9", "httpx"]\n`);
      add(`${dir}/server.py`, PY_SERVER(i));
      add(`${dir}/util.py`, 'def helper(x):\n    return x * 2\n');
    } else {
      add(`${dir}/package.json`, JSON.stringify({ name: `svc-${i}`, dependencies: { '@modelcontextprotocol/sdk': '^1.20.0', zod: '^3.25.0' } }, null, 2));
      add(`${dir}/src/server.ts`, TS_SERVER(i));
      add(`${dir}/src/util.ts`, `export const twice = (x: number) => x * 2;\n`);
      add(`${dir}/tsconfig.json`, '{ "compilerOptions": { "strict": true } }\n');
    }
    add(`${dir}/.vscode/mcp.json`, JSON.stringify({ servers: { [`svc-${i}`]: { command: 'node', args: ['dist/server.js'], env: { API_KEY: '${input:key}' } } } }, null, 2));
    add(`${dir}/.cursor/mcp.json`, JSON.stringify({ mcpServers: { [`svc-${i}`]: { url: `http://127.0.0.1:${3000 + i}/mcp` } } }, null, 2));
    add(`${dir}/README.md`, `# svc-${i}\n`);
    add(`${dir}/dist/server.js`, 'console.log(1);\n');
    add(`${dir}/coverage/lcov.info`, 'TN:\n');
    add(`${dir}/generated/schema.ts`, 'export {};\n');
    // A deep dependency tree: the bulk of the files, all of it skipped by discovery.
    for (let d = 0; d < perProjectDeps; d++) {
      const pkg = `dep${d % 40}`;
      const depth = `node_modules/${pkg}/node_modules/sub${d % 7}/lib`;
      add(`${dir}/${python ? '.venv/lib/python3.11/site-packages/' + pkg : depth}/f${d}.${python ? 'py' : 'js'}`, 'module.exports = 1;\n');
    }
  }
  writeFileSync(join(root, '.bench-count.json'), JSON.stringify({ files }));
  writeFileSync(marker, spec);
  return { files };
}
