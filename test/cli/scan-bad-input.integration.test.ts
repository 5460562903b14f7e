// The built CLI's `scan` and `discover` over hostile workspaces: huge lines, binary and
// invalid UTF-8 files, a 20 MB config, 100k levels of nesting, malformed JSON/JSONC/TOML/YAML,
// a symlink loop, an unreadable file, FIFOs where files are expected. Each case must end in
// time with exit code 0 or 1 (never 2, never a crash), say in `problems` which file was
// skipped or broken and why, and leave every file of the workspace byte-for-byte unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { expandSample, SeededRandom } from '../../src/core/secrets/samples';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');
/** Per command; a hang shows up as a timeout, which fails the case. */
const TIMEOUT_MS = 30_000;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string): CliRun {
  const started = Date.now();
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH, HOME: cwd },
  });
  return {
    code: result.status,
    signal: result.signal,
    timedOut: (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || result.signal === 'SIGKILL',
    ms: Date.now() - started,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
  };
}

/** A fingerprint of every entry under `dir` (content hashes of regular files; FIFOs and links by kind and target, never opened). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = join(folder, name);
      const rel = relative(dir, full).split(sep).join('/');
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) out.set(rel, `link ${readlinkSync(full)}`);
      else if (stat.isDirectory()) {
        out.set(rel, `dir ${stat.mode.toString(8)}`);
        walk(full);
      } else if (stat.isFile()) {
        // Readable as root even at mode 000; otherwise record the mode only.
        let hash = 'unreadable';
        try {
          hash = createHash('sha256').update(readFileSync(full)).digest('hex');
        } catch {
          // keep 'unreadable'
        }
        out.set(rel, `file ${stat.mode.toString(8)} ${stat.size} ${hash} ${stat.mtimeMs}`);
      } else out.set(rel, `special ${stat.mode.toString(8)}`);
    }
  };
  walk(dir);
  return out;
}

interface ProblemJson {
  file: string;
  severity: string;
  message: string;
}

interface Case {
  name: string;
  /** Builds the workspace in `dir`. Returns false (with a reason) when the case cannot apply here. */
  setup(dir: string): void | string;
  /** Extra CLI arguments for scan and discover. */
  args?: string[];
  /**
   * The notes `scan --format json` must carry: the file (relative to the root) and why.
   * `discover: false` for files discover does not read (.env files, .mcp-secure.json).
   */
  problems?: Array<{ file: string; message: RegExp; discover?: false }>;
  /** Findings the scan must still make (the bad part did not stop it). */
  findings?: Array<{ file: string; ruleId: string }>;
  /** Instead of (or as well as) a problem: an MCPS301 finding for a malformed config. */
  malformed?: string[];
}

/** A seeded stream of token characters: the worst case for regular expressions. */
function tokenSoup(bytes: number, seed: string): string {
  const random = new SeededRandom(seed);
  const chunk = expandSample('<<b64u:4096>>', random);
  return chunk.repeat(Math.ceil(bytes / chunk.length)).slice(0, bytes);
}

const MCP_PACKAGE = '{ "name": "srv", "version": "1.0.0", "dependencies": { "@modelcontextprotocol/sdk": "^1.20.0" } }\n';

const CASES: Case[] = [
  {
    name: 'a 5 MB single-line .env (over the size limit)',
    setup: (dir) => writeFileSync(join(dir, '.env'), `BLOB=${tokenSoup(5 * 1024 * 1024, 'env')}\n`),
    problems: [{ file: '.env', message: /over the .* limit/, discover: false }],
  },
  {
    name: 'a 5 MB single-line .env, scanned (--max-file-size 8192)',
    setup: (dir) => writeFileSync(join(dir, '.env'), `BLOB=${tokenSoup(5 * 1024 * 1024, 'env2')}\nGITHUB_TOKEN=${expandSample('ghp_<<an:36>>', new SeededRandom('env2'))}\n`),
    args: ['--max-file-size', '8192'],
    findings: [{ file: '.env', ruleId: 'MCPS101' }],
  },
  {
    name: 'a minified 3 MB JS file in an MCP server project',
    setup: (dir) => {
      mkdirSync(join(dir, 'server', 'src'), { recursive: true });
      writeFileSync(join(dir, 'server', 'package.json'), MCP_PACKAGE);
      writeFileSync(join(dir, 'server', 'src', 'index.ts'), "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nexport const server = new McpServer({ name: 's', version: '1' });\n");
      const body = Array.from({ length: 40_000 }, (_, i) => `function f${i}(a,b){return a+b*${i}}var k${i}="${tokenSoup(24, `js${i % 50}`)}";`).join('');
      writeFileSync(join(dir, 'server', 'src', 'bundle.js'), body.slice(0, 3 * 1024 * 1024));
    },
    problems: [{ file: 'server/src/bundle.js', message: /over the .* limit/ }],
  },
  {
    name: 'a minified 3 MB JS file in an MCP server project, scanned (--max-file-size 8192)',
    setup: (dir) => {
      mkdirSync(join(dir, 'server', 'src'), { recursive: true });
      writeFileSync(join(dir, 'server', 'package.json'), MCP_PACKAGE);
      writeFileSync(join(dir, 'server', 'src', 'index.ts'), "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nexport const server = new McpServer({ name: 's', version: '1' });\n");
      const body = Array.from({ length: 40_000 }, (_, i) => `function f${i}(a,b){return a+b*${i}}var k${i}="${tokenSoup(24, `js${i % 50}`)}";`).join('');
      writeFileSync(join(dir, 'server', 'src', 'bundle.js'), body.slice(0, 3 * 1024 * 1024));
    },
    args: ['--max-file-size', '8192'],
  },
  {
    name: 'a binary file named .env',
    setup: (dir) => {
      const bytes = Buffer.alloc(64 * 1024);
      const random = new SeededRandom('binary');
      for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256);
      bytes[10] = 0;
      writeFileSync(join(dir, '.env'), bytes);
    },
    problems: [{ file: '.env', message: /binary/i, discover: false }],
  },
  {
    name: 'invalid UTF-8 in a config',
    setup: (dir) => {
      mkdirSync(join(dir, '.cursor'));
      const head = Buffer.from('{ "mcpServers": { "x": { "command": "npx", "env": { "NOTE": "caf');
      writeFileSync(join(dir, '.cursor', 'mcp.json'), Buffer.concat([head, Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from('" } } } }\n')]));
    },
    problems: [{ file: '.cursor/mcp.json', message: /UTF-8/ }],
  },
  {
    name: 'a 20 MB JSON config',
    setup: (dir) => {
      mkdirSync(join(dir, '.vscode'));
      const servers = Array.from({ length: 220_000 }, (_, i) => `"s${i}": { "command": "node", "args": ["server-${i}.js", "--port", "${i}"], "env": { "LEVEL": "debug" } }`);
      const text = `{ "servers": { ${servers.join(',\n')} } }\n`;
      assert.ok(text.length >= 20 * 1024 * 1024, `20 MB (${text.length} bytes)`);
      writeFileSync(join(dir, '.vscode', 'mcp.json'), text);
    },
    problems: [{ file: '.vscode/mcp.json', message: /over the .* limit/ }],
  },
  {
    name: '100k levels of [ in .vscode/mcp.json',
    setup: (dir) => {
      mkdirSync(join(dir, '.vscode'));
      writeFileSync(join(dir, '.vscode', 'mcp.json'), '['.repeat(100_000));
    },
    malformed: ['.vscode/mcp.json'],
  },
  {
    name: '100k levels of [ in a YAML config and in a TOML config',
    setup: (dir) => {
      mkdirSync(join(dir, '.continue', 'mcpServers'), { recursive: true });
      writeFileSync(join(dir, '.continue', 'mcpServers', 'deep.yaml'), `mcpServers: ${'['.repeat(100_000)}\n`);
      mkdirSync(join(dir, '.codex'));
      writeFileSync(join(dir, '.codex', 'config.toml'), `[mcp_servers.x]\nargs = ${'['.repeat(100_000)}\n`);
    },
    malformed: ['.continue/mcpServers/deep.yaml', '.codex/config.toml'],
  },
  {
    name: 'malformed JSON, JSONC, TOML and YAML configs',
    setup: (dir) => {
      for (const sub of ['.cursor', '.vscode', '.codex', '.continue/mcpServers', '.zed']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, '.cursor', 'mcp.json'), '{ "mcpServers": { "a": { "command": "npx" "args": [] } }');
      writeFileSync(join(dir, '.vscode', 'mcp.json'), '// comment\n{ "servers": { "a": { "command": "npx", /* unterminated comment \n');
      writeFileSync(join(dir, '.zed', 'settings.json'), '{ "context_servers": { "a": { "command": "x", "env": { "K": "unterminated } } }\n');
      writeFileSync(join(dir, '.codex', 'config.toml'), '[mcp_servers.a]\ncommand = "npx"\n[mcp_servers.a]\ncommand = \n');
      writeFileSync(join(dir, '.continue', 'mcpServers', 'bad.yaml'), 'mcpServers:\n  - name: a\n   command: npx\n  - [\n');
    },
    malformed: ['.cursor/mcp.json', '.vscode/mcp.json', '.zed/settings.json', '.codex/config.toml', '.continue/mcpServers/bad.yaml'],
  },
  {
    name: 'a symlink loop',
    setup: (dir) => {
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      symlinkSync(join(dir, 'a'), join(dir, 'a', 'b', 'up'));
      symlinkSync('.', join(dir, 'self'));
      mkdirSync(join(dir, '.cursor'));
      writeFileSync(join(dir, '.cursor', 'mcp.json'), '{ "mcpServers": { "a": { "command": "npx" } } }');
    },
    problems: [{ file: 'a/b/up', message: /loop/i }],
  },
  {
    name: 'an unreadable config (chmod 000)',
    setup: (dir) => {
      if (isRoot) return 'runs as root, which reads files whatever their mode';
      mkdirSync(join(dir, '.cursor'));
      writeFileSync(join(dir, '.cursor', 'mcp.json'), '{ "mcpServers": { "a": { "command": "npx" } } }');
      chmodSync(join(dir, '.cursor', 'mcp.json'), 0o000);
    },
    problems: [{ file: '.cursor/mcp.json', message: /EACCES|permission/i }],
  },
  {
    name: 'a FIFO named .env',
    setup: (dir) => mkfifo(join(dir, '.env')),
    problems: [{ file: '.env', message: /not a regular file/i }],
  },
  {
    name: 'a FIFO named .cursor/mcp.json and a FIFO named .mcp-secure.json',
    setup: (dir) => {
      mkdirSync(join(dir, '.cursor'));
      return mkfifo(join(dir, '.cursor', 'mcp.json')) ?? mkfifo(join(dir, '.mcp-secure.json'));
    },
    problems: [
      { file: '.cursor/mcp.json', message: /not a regular file/i },
      { file: '.mcp-secure.json', message: /not a regular file/i, discover: false },
    ],
  },
];

function mkfifo(path: string): string | undefined {
  const made = spawnSync('mkfifo', [path]);
  return made.status === 0 ? undefined : `mkfifo is not available here (${made.error?.message ?? made.stderr})`;
}

for (const c of CASES) {
  test(`bad input: ${c.name}`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mcps-bad-'));
    try {
      const skip = c.setup(dir);
      if (typeof skip === 'string') {
        t.skip(skip);
        return;
      }
      const before = snapshot(dir);
      const scan = runCli(['scan', '.', '--format', 'json', '--no-git', ...(c.args ?? [])], dir);
      const scanText = runCli(['scan', '.', '--no-git', ...(c.args ?? [])], dir);
      const discover = runCli(['discover', '.', '--format', 'json', ...(c.args ?? [])], dir);
      t.diagnostic(`${c.name}: scan json ${scan.ms} ms, scan text ${scanText.ms} ms, discover ${discover.ms} ms`);
      for (const [label, run] of [['scan --format json', scan], ['scan', scanText], ['discover --format json', discover]] as const) {
        assert.ok(!run.timedOut, `${label}: did not finish within ${TIMEOUT_MS} ms`);
        assert.equal(run.signal, null, `${label}: killed by ${run.signal}`);
        assert.ok(run.code === 0 || run.code === 1, `${label}: exit code ${run.code}; stderr: ${run.stderr.slice(0, 500)}`);
        assert.doesNotMatch(run.stderr, /internal error|RangeError|TypeError|at .*\.js:\d+/, `${label}: no crash on stderr`);
      }
      assert.equal(discover.code, 0, 'discover always exits 0');

      const json = JSON.parse(scan.stdout) as { findings: Array<{ ruleId: string; file: string; message: string }>; problems: ProblemJson[] };
      const discovered = JSON.parse(discover.stdout) as { problems: ProblemJson[]; configs: Array<{ path: string; problems: ProblemJson[] }> };
      for (const { file, message, discover: inDiscover } of c.problems ?? []) {
        const note = json.problems.find((p) => p.file === file && message.test(p.message));
        assert.ok(note, `scan: a note names ${file} and says why (${message}); problems: ${JSON.stringify(json.problems)}`);
        if (inDiscover !== false) {
          const all = [...discovered.problems, ...discovered.configs.flatMap((cfg) => cfg.problems)];
          assert.ok(all.some((p) => p.file === file && message.test(p.message)), `discover: a note names ${file}; problems: ${JSON.stringify(all)}`);
        }
      }
      for (const { file, ruleId } of c.findings ?? []) {
        assert.ok(json.findings.some((f) => f.file === file && f.ruleId === ruleId), `scan: ${ruleId} in ${file}`);
      }
      for (const file of c.malformed ?? []) {
        const finding = json.findings.find((f) => f.ruleId === 'MCPS301' && f.file === file);
        assert.ok(finding, `scan: ${file} is reported as malformed (MCPS301); findings: ${JSON.stringify(json.findings.map((f) => `${f.file} ${f.ruleId}`))}`);
        assert.doesNotMatch(finding.message, /Internal error/, `${file}: says what is wrong, not "internal error"`);
        assert.equal(scan.code, 1, 'a malformed config is an error-level finding');
      }

      assert.deepEqual(snapshot(dir), before, "the user's files are unchanged");
    } finally {
      try {
        chmodSync(join(dir, '.cursor', 'mcp.json'), 0o644);
      } catch {
        // not that case
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
