/**
 * Project manifests: which files they are, which folder they make a project root, and which
 * MCP framework (if any) they declare. Manifests are parsed with real parsers (JSON, TOML,
 * tree-sitter for setup.py); only one-requirement-per-line formats (requirements*.txt,
 * setup.cfg values, go.mod) are read line by line.
 */
import * as path from 'node:path';
import type { ServerFramework } from '../model';
import { withTree } from '../parse/treeSitter';
import { pythonString } from './python';
import { descendants, field, namedChildren } from './syntax';

export type Ecosystem = 'node' | 'python' | 'go';

/** Fixed manifest file names. requirements-*.txt and requirements/*.txt are matched by {@link isProjectManifest}. */
export const PROJECT_MANIFEST_BASENAMES: ReadonlySet<string> = new Set([
  'package.json',
  'pyproject.toml',
  'requirements.txt',
  'setup.cfg',
  'setup.py',
  'uv.lock',
  'Pipfile',
  'go.mod',
]);

function isRequirementsFile(relPosixPath: string): boolean {
  const base = path.posix.basename(relPosixPath);
  if (!base.endsWith('.txt')) return false;
  if (base.startsWith('requirements-') || base.startsWith('requirements_') || base === 'requirements.txt') return true;
  return path.posix.basename(path.posix.dirname(relPosixPath)) === 'requirements';
}

/** Whether a path (relative to the scan root, `/`-separated) is a manifest this module reads. */
/**
 * Whether a file of this name can be a manifest at all (isProjectManifest decides, given its
 * path): a cheap test by name that spares building a relative path for every other file.
 */
export function mayBeProjectManifest(fileName: string): boolean {
  return PROJECT_MANIFEST_BASENAMES.has(fileName) || fileName.endsWith('.txt');
}

export function isProjectManifest(relPosixPath: string): boolean {
  return PROJECT_MANIFEST_BASENAMES.has(path.posix.basename(relPosixPath)) || isRequirementsFile(relPosixPath);
}

/** The project folder a manifest belongs to (`requirements/base.txt` belongs to the folder above). */
export function manifestProjectRoot(manifestPath: string): string {
  const dir = path.dirname(manifestPath);
  return path.basename(dir) === 'requirements' && manifestPath.endsWith('.txt') ? path.dirname(dir) : dir;
}

export function manifestEcosystem(manifestPath: string): Ecosystem {
  const base = path.basename(manifestPath);
  if (base === 'package.json') return 'node';
  if (base === 'go.mod') return 'go';
  return 'python';
}

/** Lower value = preferred as the project's `manifest` when several in one folder name MCP. */
export function manifestPriority(manifestPath: string): number {
  const order = ['package.json', 'go.mod', 'pyproject.toml', 'setup.cfg', 'setup.py', 'Pipfile', 'requirements.txt'];
  const i = order.indexOf(path.basename(manifestPath));
  if (i >= 0) return i;
  return path.basename(manifestPath) === 'uv.lock' ? order.length + 1 : order.length; // other requirements files, then the lock
}

/** Declared packages -> framework, in precedence order (a wrapper framework wins over the SDK it wraps). */
const FRAMEWORK_TABLE: Readonly<Record<Ecosystem, ReadonlyArray<readonly [string, ServerFramework]>>> = {
  node: [
    ['mcp-framework', 'mcp-framework'],
    ['fastmcp', 'fastmcp'],
    ['xmcp', 'xmcp'],
    ['mcp-handler', 'mcp-handler'],
    ['@vercel/mcp-adapter', 'mcp-handler'],
    ['@modelcontextprotocol/server', 'mcp-sdk-v2'],
    ['@modelcontextprotocol/sdk', 'mcp-sdk'],
  ],
  python: [
    ['fastmcp', 'fastmcp-python'],
    ['mcp', 'mcp-python'],
  ],
  go: [
    ['github.com/modelcontextprotocol/go-sdk', 'go-sdk'],
    ['github.com/mark3labs/mcp-go', 'mcp-go'],
  ],
};

const FRAMEWORK_ORDER: readonly ServerFramework[] = Object.values(FRAMEWORK_TABLE).flatMap((rows) => rows.map(([, fw]) => fw));

/** Precedence of a framework when one project's manifests name several (lower wins). */
export function frameworkRank(framework: ServerFramework): number {
  return FRAMEWORK_ORDER.indexOf(framework);
}

export function frameworkFor(ecosystem: Ecosystem, dependencies: readonly string[]): ServerFramework | undefined {
  const declared = new Set(dependencies);
  for (const [pkg, framework] of FRAMEWORK_TABLE[ecosystem]) {
    // Go modules gain a /vN suffix on major versions.
    if (declared.has(pkg) || (ecosystem === 'go' && dependencies.some((d) => d.startsWith(pkg + '/v')))) return framework;
  }
  return undefined;
}

/** PEP 503 normalised name: `Fast_MCP` -> `fast-mcp`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The distribution name of one PEP 508 requirement (`mcp[cli]>=1.2; python_version>'3.10'` -> `mcp`). */
export function requirementName(requirement: string): string | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(requirement);
  return m?.[1] ? normalizePythonName(m[1]) : undefined;
}

function requirementsTxt(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    // Options (-r, -e, --index-url) and bare URLs name no distribution we can match.
    if (!line || line.startsWith('-') || /^[A-Za-z+]+:\/\//.test(line)) continue;
    const name = requirementName(line);
    if (name) names.push(name);
  }
  return names;
}

/** `[options] install_requires` of a setup.cfg (an INI value spread over indented lines). */
function setupCfg(text: string): string[] {
  const names: string[] = [];
  let section = '';
  let inValue = false;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || !raw.trim()) continue;
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header?.[1]) {
      section = header[1].trim();
      inValue = false;
      continue;
    }
    const continuation = /^\s/.test(raw);
    if (!continuation) {
      const kv = /^([^=:]+)[=:](.*)$/.exec(raw);
      inValue = section === 'options' && kv?.[1]?.trim() === 'install_requires';
      if (inValue && kv?.[2]?.trim()) {
        const name = requirementName(kv[2]);
        if (name) names.push(name);
      }
      continue;
    }
    if (inValue) {
      const name = requirementName(raw.replace(/(^|\s)#.*$/, ''));
      if (name) names.push(name);
    }
  }
  return names;
}

function goMod(text: string): string[] {
  const modules: string[] = [];
  let inBlock = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (line === ')') inBlock = false;
      else if (line) modules.push(line.split(/\s+/)[0] ?? '');
    } else if (line.startsWith('require')) {
      const rest = line.slice('require'.length).trim();
      if (rest === '(') inBlock = true;
      else if (rest) modules.push(rest.split(/\s+/)[0] ?? '');
    }
  }
  return modules.filter(Boolean);
}

function packageJson(text: string): string[] {
  const pkg: unknown = JSON.parse(text);
  if (!isRecord(pkg)) throw new Error('not a JSON object');
  const names: string[] = [];
  for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = pkg[key];
    if (isRecord(deps)) names.push(...Object.keys(deps));
  }
  return names;
}

/** smol-toml ships ESM typings only; a dynamic import works from this CommonJS module and when bundled. */
async function parseToml(text: string): Promise<Record<string, unknown>> {
  const toml = await import('smol-toml');
  return toml.parse(text);
}

async function pyproject(text: string): Promise<string[]> {
  const doc = await parseToml(text);
  const names: string[] = [];
  const project = doc['project'];
  if (isRecord(project) && Array.isArray(project['dependencies'])) {
    for (const dep of project['dependencies']) if (typeof dep === 'string') names.push(requirementName(dep) ?? '');
  }
  const tool = doc['tool'];
  const poetry = isRecord(tool) ? tool['poetry'] : undefined;
  const poetryDeps = isRecord(poetry) ? poetry['dependencies'] : undefined;
  if (isRecord(poetryDeps)) names.push(...Object.keys(poetryDeps).map(normalizePythonName));
  return names.filter(Boolean);
}

/** uv.lock lists every transitive package; only the project's own entry (editable/virtual ".") says what it depends on. */
async function uvLock(text: string): Promise<string[]> {
  const doc = await parseToml(text);
  const packages = Array.isArray(doc['package']) ? doc['package'] : [];
  const names: string[] = [];
  for (const pkg of packages) {
    if (!isRecord(pkg) || !isRecord(pkg['source'])) continue;
    const source = pkg['source'];
    if (source['editable'] !== '.' && source['virtual'] !== '.') continue;
    for (const dep of Array.isArray(pkg['dependencies']) ? pkg['dependencies'] : []) {
      if (isRecord(dep) && typeof dep['name'] === 'string') names.push(normalizePythonName(dep['name']));
    }
  }
  return names;
}

async function pipfile(text: string): Promise<string[]> {
  const doc = await parseToml(text);
  const packages = doc['packages'];
  return isRecord(packages) ? Object.keys(packages).map(normalizePythonName) : [];
}

/** `setup(install_requires=[...])`, the list inline or a module-level constant. */
async function setupPy(text: string): Promise<string[]> {
  const names = await withTree('python', text, (tree) => {
    const root = tree.rootNode;
    const found: string[] = [];
    for (const call of descendants(root, 'call')) {
      const fn = field(call, 'function');
      const fnName = fn?.type === 'attribute' ? field(fn, 'attribute')?.text : fn?.text;
      if (fnName !== 'setup') continue;
      const args = field(call, 'arguments');
      for (const kw of args ? namedChildren(args) : []) {
        if (kw.type !== 'keyword_argument' || field(kw, 'name')?.text !== 'install_requires') continue;
        let value = field(kw, 'value');
        if (value?.type === 'identifier') {
          const id = value.text;
          const assignment = descendants(root, 'assignment').find((a) => field(a, 'left')?.text === id);
          value = assignment ? field(assignment, 'right') : undefined;
        }
        for (const s of value ? descendants(value, 'string') : []) {
          const req = pythonString(s);
          const name = req !== undefined ? requirementName(req) : undefined;
          if (name) found.push(name);
        }
      }
    }
    return found;
  });
  return names ?? [];
}

const READERS: Readonly<Record<string, (text: string) => string[] | Promise<string[]>>> = {
  'package.json': packageJson,
  'pyproject.toml': pyproject,
  'setup.cfg': setupCfg,
  'setup.py': setupPy,
  'uv.lock': uvLock,
  Pipfile: pipfile,
  'go.mod': goMod,
};

/** The dependency names a manifest declares (normalised for its ecosystem). Throws on malformed input. */
export async function manifestDependencies(manifestPath: string, text: string): Promise<string[]> {
  const reader = READERS[path.basename(manifestPath)] ?? requirementsTxt;
  return reader(text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
