/**
 * Reads one MCP client config file into the normalised model: every server entry with the
 * exact source range of its name, command, arguments, env entries, URL and headers.
 *
 * The format's real parser builds a positioned tree (../parse/positionedTree); from there one
 * extractor serves every client. What differs between clients is data: where the server maps
 * sit (SHAPES[..].sections) and what their fields are called (the dialects below).
 */
import type {
  ClientConfig,
  ClientId,
  ConfigFormat,
  ConfigScope,
  ConfigServer,
  FileProblem,
  Located,
  LocatedEntry,
  NodePath,
  Transport,
} from '../model';
import { parsePositionedTree, type ParsedTree, type PNode, type PObject, type PProp, type TreeFormat } from '../parse/positionedTree';
import { LineStarts as LineIndex } from '../util/positions';

/** The structural family of a config file: where its servers are and how their fields are named. */
export type ConfigShape =
  /** `{ mcpServers: { name: { command, args, env, cwd, url, headers, type } } }`: Claude Desktop, Cursor, Cline, Roo, Kilo, Kiro, Amazon Q, LM Studio, Copilot CLI... */
  | 'mcp-servers'
  /** `mcpServers` where a remote server's address is `serverUrl` (Windsurf, Antigravity). */
  | 'mcp-servers-serverurl'
  /** Gemini CLI `mcpServers`: `httpUrl` is streamable HTTP, `url` is SSE. */
  | 'mcp-servers-httpurl'
  /** A workspace `.mcp.json`: Claude `mcpServers`, or Visual Studio / VS Code `servers`. */
  | 'dot-mcp-json'
  /** VS Code and Visual Studio `mcp.json`: `{ servers, inputs }` (VS Code also migrates `mcpServers`). */
  | 'vscode-servers'
  /** VS Code `settings.json`: `mcp.servers`. */
  | 'vscode-settings'
  /** `*.code-workspace`: `settings.mcp.servers`. */
  | 'code-workspace'
  /** `devcontainer.json`: `customizations.vscode.mcp.servers`. */
  | 'devcontainer'
  /** `~/.claude.json`: top-level `mcpServers` and `projects[<abs path>].mcpServers`. */
  | 'claude-json'
  /** Zed `context_servers`: `{source:'custom', command, args, env}`, legacy `{command:{path,args,env}}`, remote `{url, headers}`. */
  | 'zed'
  /** Codex TOML `[mcp_servers.<name>]`: `command`, `args`, `env`, `cwd`, `url`, `http_headers`, `bearer_token`. */
  | 'codex'
  /** opencode `mcp`: `{type: local, command: [exe, ...args], environment}` or `{type: remote, url, headers}`. */
  | 'opencode'
  /** Crush `mcp`: `{type: stdio|http|sse, command, args, env, url, headers}`. */
  | 'crush'
  /** Continue YAML: `mcpServers:` as a list of `{name, type, command, args, env, url}`. */
  | 'continue'
  /** Goose YAML `extensions:` map of `{type, cmd, args, envs, uri, headers, enabled}`. */
  | 'goose';

export interface ConfigCandidate {
  path: string;
  client: ClientId;
  scope: ConfigScope;
  format: ConfigFormat;
  shape: ConfigShape;
  /**
   * true for files shared with other settings (VS Code settings.json, Zed settings, Gemini
   * settings, ~/.claude.json, opencode.json, goose config, devcontainer.json, .code-workspace):
   * only reported when they actually contain an MCP section
   */
  shared: boolean;
}

// ---------------------------------------------------------------------------------------------
// Tables

/** A step of `ANY` walks every property of an object (`projects.<any path>.mcpServers`). */
const ANY = Symbol('any key');

interface Section {
  path: Array<string | typeof ANY>;
  /** Servers are list items carrying a `name` (Continue) instead of map properties. */
  list?: boolean;
}

interface Dialect {
  command: string;
  /** 'array': `[exe, ...args]` (opencode); 'zed': a string, or the legacy `{path, args, env}` object. */
  commandForm: 'string' | 'array' | 'zed';
  env: string;
  /** Property paths of header maps, relative to the server entry. */
  headers: string[][];
  /** URL fields in order of preference, with the transport each one implies. */
  urls: Array<{ key: string; transport: Transport }>;
  /** Scalars that are a credential on their own (Codex `bearer_token`); reported with the headers. */
  credentials: string[];
  /** `type` values of entries that are not servers the user configured (Goose's built-ins). */
  notServers?: string[];
}

const STANDARD: Dialect = {
  command: 'command',
  commandForm: 'string',
  env: 'env',
  headers: [['headers']],
  urls: [{ key: 'url', transport: 'http' }],
  credentials: [],
};

const DIALECTS = {
  standard: STANDARD,
  serverUrl: { ...STANDARD, urls: [{ key: 'serverUrl', transport: 'http' }, { key: 'url', transport: 'http' }] },
  gemini: { ...STANDARD, urls: [{ key: 'httpUrl', transport: 'http' }, { key: 'url', transport: 'sse' }] },
  codex: { ...STANDARD, headers: [['http_headers']], credentials: ['bearer_token'] },
  zed: { ...STANDARD, commandForm: 'zed' },
  opencode: { ...STANDARD, commandForm: 'array', env: 'environment' },
  continue: { ...STANDARD, headers: [['headers'], ['requestOptions', 'headers']] },
  // Goose's own `type` is authoritative; a bare `uri` is the older SSE form.
  goose: { ...STANDARD, command: 'cmd', env: 'envs', urls: [{ key: 'uri', transport: 'sse' }], notServers: ['builtin', 'platform', 'frontend'] },
} satisfies Record<string, Dialect>;

const SHAPES: Record<ConfigShape, { sections: Section[]; dialect: Dialect }> = {
  'mcp-servers': { sections: [{ path: ['mcpServers'] }], dialect: DIALECTS.standard },
  'mcp-servers-serverurl': { sections: [{ path: ['mcpServers'] }], dialect: DIALECTS.serverUrl },
  'mcp-servers-httpurl': { sections: [{ path: ['mcpServers'] }], dialect: DIALECTS.gemini },
  'dot-mcp-json': { sections: [{ path: ['mcpServers'] }, { path: ['servers'] }], dialect: DIALECTS.standard },
  'vscode-servers': { sections: [{ path: ['servers'] }, { path: ['mcpServers'] }], dialect: DIALECTS.standard },
  // Settings may also be written with a dotted key: `"mcp.servers": {...}`.
  'vscode-settings': { sections: [{ path: ['mcp', 'servers'] }, { path: ['mcp.servers'] }], dialect: DIALECTS.standard },
  'code-workspace': { sections: [{ path: ['settings', 'mcp', 'servers'] }, { path: ['settings', 'mcp.servers'] }], dialect: DIALECTS.standard },
  devcontainer: { sections: [{ path: ['customizations', 'vscode', 'mcp', 'servers'] }], dialect: DIALECTS.standard },
  'claude-json': { sections: [{ path: ['mcpServers'] }, { path: ['projects', ANY, 'mcpServers'] }], dialect: DIALECTS.standard },
  zed: { sections: [{ path: ['context_servers'] }], dialect: DIALECTS.zed },
  codex: { sections: [{ path: ['mcp_servers'] }], dialect: DIALECTS.codex },
  opencode: { sections: [{ path: ['mcp'] }], dialect: DIALECTS.opencode },
  crush: { sections: [{ path: ['mcp'] }], dialect: DIALECTS.standard },
  continue: { sections: [{ path: ['mcpServers'], list: true }], dialect: DIALECTS.continue },
  goose: { sections: [{ path: ['extensions'] }], dialect: DIALECTS.goose },
};

/** Keys that name a server's transport, with every spelling clients use for the values. */
const TYPE_KEYS = ['type', 'transportType'];

/** Keyed by the lower-cased value with `-` and `_` removed. */
const TRANSPORT_BY_TYPE: Record<string, Transport> = {
  stdio: 'stdio',
  local: 'stdio',
  sse: 'sse',
  http: 'http',
  https: 'http',
  streamablehttp: 'http',
  remote: 'http',
};

const TREE_FORMAT: Record<ConfigFormat, TreeFormat> = { json: 'json', jsonc: 'json', toml: 'toml', yaml: 'yaml' };

// ---------------------------------------------------------------------------------------------
// Entry point

/** Never throws: malformed input gives whatever could be salvaged plus an 'error' problem. */
export function parseClientConfig(text: string, candidate: ConfigCandidate): ClientConfig {
  return parseClientConfigTree(text, candidate).config;
}

/** parseClientConfig, and the positioned tree it read (undefined when the parser failed): for incremental re-scans. */
export function parseClientConfigTree(text: string, candidate: ConfigCandidate): { config: ClientConfig; tree: ParsedTree | undefined } {
  const reader = new Reader(text, candidate.path);
  let servers: ConfigServer[] = [];
  let tree: ParsedTree | undefined;
  try {
    tree = parsePositionedTree(text, TREE_FORMAT[candidate.format]);
    for (const error of tree.errors) reader.error(error.message, error.start, error.end, true);
    if (tree.root?.kind === 'object') servers = extractServers(reader, tree.root, SHAPES[candidate.shape]);
    else if (tree.root && (tree.root.kind === 'array' || tree.root.value !== null)) {
      reader.error('Expected an object at the top level', tree.root.start, tree.root.end);
    }
  } catch (error) {
    // A bug here must not take discovery down; the message names the failure, never file content.
    // The parsers recurse, so absurd nesting (`[[[[…` 100k deep) ends as a stack overflow.
    const message =
      error instanceof RangeError
        ? 'Nested too deeply to read (the parser ran out of stack)'
        : `Internal error while reading this config (${(error as Error)?.name ?? 'unknown'})`;
    reader.problems.push({ file: candidate.path, severity: 'error', message });
  }
  const config: ClientConfig = {
    path: candidate.path,
    client: candidate.client,
    scope: candidate.scope,
    format: candidate.format,
    shape: candidate.shape,
    shared: candidate.shared,
    servers,
    problems: reader.problems,
  };
  return { config, tree };
}

function extractServers(r: Reader, root: PObject, shape: { sections: Section[]; dialect: Dialect }): ConfigServer[] {
  const servers: ConfigServer[] = [];
  for (const section of shape.sections) {
    for (const { node, path } of r.sectionNodes(root, section.path)) {
      if (section.list) servers.push(...listServers(r, node, path, shape.dialect));
      else servers.push(...mapServers(r, node, path, shape.dialect));
    }
  }
  return servers;
}

function mapServers(r: Reader, node: PNode, path: NodePath, dialect: Dialect): ConfigServer[] {
  if (node.kind !== 'object') {
    r.typeError(path, 'an object', node);
    return [];
  }
  const servers: ConfigServer[] = [];
  for (const prop of r.entries(node)) {
    const server = readServer(r, prop.key, prop.keyStart, prop.keyEnd, prop.value, [...path, prop.key], dialect);
    if (server) servers.push(server);
  }
  return servers;
}

function listServers(r: Reader, node: PNode, path: NodePath, dialect: Dialect): ConfigServer[] {
  if (node.kind !== 'array') {
    r.typeError(path, 'a list', node);
    return [];
  }
  const servers: ConfigServer[] = [];
  node.items.forEach((item, index) => {
    const itemPath = [...path, index];
    let name = formatPath(itemPath);
    let nameStart = item.start;
    let nameEnd = item.end;
    const nameNode = item.kind === 'object' ? r.prop(item, 'name')?.value : undefined;
    if (nameNode?.kind === 'scalar' && typeof nameNode.value === 'string') {
      name = nameNode.value;
      nameStart = nameNode.start;
      nameEnd = nameNode.end;
    } else if (item.kind === 'object') {
      r.error(`${formatPath(itemPath)} has no "name"`, item.start, item.end);
    }
    const server = readServer(r, name, nameStart, nameEnd, item, itemPath, dialect);
    if (server) servers.push(server);
  });
  return servers;
}

function readServer(r: Reader, name: string, nameStart: number, nameEnd: number, node: PNode, path: NodePath, dialect: Dialect): ConfigServer | undefined {
  if (node.kind !== 'object') {
    // `null` is how some clients blank out an entry; anything else is a mistake.
    if (!(node.kind === 'scalar' && node.value === null)) r.typeError(path, 'an object', node);
    return undefined;
  }
  const type = r.prop(node, 'type')?.value;
  if (type?.kind === 'scalar' && typeof type.value === 'string' && dialect.notServers?.includes(type.value)) return undefined;
  // Zed's legacy form nests path, args and env in a `command` object.
  let host: PObject = node;
  let hostPath = path;
  let command: Located | undefined;
  let args: Located[] = [];
  let argsDone = false;

  const commandProp = r.prop(node, dialect.command);
  if (commandProp) {
    const value = commandProp.value;
    const commandPath = [...path, dialect.command];
    if (dialect.commandForm === 'array' && value.kind === 'array') {
      const [first, ...rest] = r.strings(value, commandPath);
      command = first;
      args = rest;
      argsDone = true;
    } else if (dialect.commandForm === 'zed' && value.kind === 'object') {
      host = value;
      hostPath = commandPath;
      command = r.string(r.prop(value, 'path'), [...commandPath, 'path']);
    } else {
      command = r.string(commandProp, commandPath);
    }
  }
  if (!argsDone) {
    const argsProp = r.prop(host, 'args');
    if (argsProp) {
      if (argsProp.value.kind === 'array') args = r.strings(argsProp.value, [...hostPath, 'args']);
      else r.typeError([...hostPath, 'args'], 'a list', argsProp.value);
    }
  }

  let url: Located | undefined;
  let urlTransport: Transport | undefined;
  for (const candidate of dialect.urls) {
    const prop = r.prop(node, candidate.key);
    if (!prop) continue;
    url = r.string(prop, [...path, candidate.key]);
    urlTransport = candidate.transport;
    break;
  }

  const headers: LocatedEntry[] = [];
  for (const headerPath of dialect.headers) headers.push(...r.entryMap(r.at(node, headerPath), [...path, ...headerPath]));
  for (const key of dialect.credentials) {
    const prop = r.prop(node, key);
    if (prop) headers.push(...r.entryList([prop], [...path]));
  }

  let typed: Transport | undefined;
  for (const key of TYPE_KEYS) {
    const value = r.prop(node, key)?.value;
    if (value?.kind === 'scalar' && typeof value.value === 'string') {
      typed = TRANSPORT_BY_TYPE[value.value.toLowerCase().replace(/[-_]/g, '')];
      if (typed) break;
    }
  }

  const disabled = r.prop(node, 'disabled')?.value;
  const enabled = r.prop(node, 'enabled')?.value;

  return {
    name,
    nameRange: r.range(nameStart, nameEnd),
    range: r.range(node.start, node.end),
    path,
    transport: typed ?? (command ? 'stdio' : urlTransport ?? 'stdio'),
    command,
    args,
    env: r.entryMap(r.prop(host, dialect.env), [...hostPath, dialect.env]),
    cwd: r.string(r.prop(node, 'cwd'), [...path, 'cwd']),
    url,
    headers,
    disabled: (disabled?.kind === 'scalar' && disabled.value === true) || (enabled?.kind === 'scalar' && enabled.value === false),
  };
}

// ---------------------------------------------------------------------------------------------
// Typed access to the tree, reporting problems instead of throwing

class Reader {
  readonly problems: FileProblem[] = [];
  private readonly index: LineIndex;
  /** Sections sharing a prefix look some keys up twice; report each problem once. */
  private readonly reported = new Set<string>();

  constructor(private readonly text: string, private readonly file: string) {
    this.index = new LineIndex(text);
  }

  range(start: number, end: number) {
    return this.index.range(start, end);
  }

  /** Messages name keys and positions only, never values: a value may be a secret. */
  error(message: string, start: number, end: number, withPosition = false): void {
    const seen = `${start}:${message}`;
    if (this.reported.has(seen)) return;
    this.reported.add(seen);
    const range = this.range(start, end);
    const text = withPosition ? `${message} at ${range.start.line}:${range.start.column}` : message;
    this.problems.push({ file: this.file, message: text, range, severity: 'error' });
  }

  typeError(path: NodePath, expected: string, node: PNode): void {
    this.error(`${formatPath(path)} must be ${expected}, found ${describe(node)}`, node.start, node.end);
  }

  /** The property `key` of an object; a duplicate key is reported and the last one wins. */
  prop(object: PObject, key: string): PProp | undefined {
    let found: PProp | undefined;
    for (const prop of object.props) {
      if (prop.key !== key) continue;
      if (found) this.duplicate(found);
      found = prop;
    }
    return found;
  }

  /** Every property of an object once, the last of duplicates winning, in source order. */
  entries(object: PObject): PProp[] {
    const last = new Map<string, PProp>();
    for (const prop of object.props) {
      const earlier = last.get(prop.key);
      if (earlier) this.duplicate(earlier);
      last.set(prop.key, prop);
    }
    return object.props.filter((prop) => last.get(prop.key) === prop);
  }

  private duplicate(prop: PProp): void {
    this.error(`Duplicate key ${JSON.stringify(prop.key)}; the last one is used`, prop.keyStart, prop.keyEnd, true);
  }

  /** The node at a property path below `object`, if every step exists. */
  at(object: PObject, keys: string[]): PProp | undefined {
    let current: PProp | undefined;
    let host: PNode = object;
    for (const key of keys) {
      if (host.kind !== 'object') return undefined;
      current = this.prop(host, key);
      if (!current) return undefined;
      host = current.value;
    }
    return current;
  }

  /** Each node reached by a section path; a step that exists with the wrong type is reported. */
  sectionNodes(root: PObject, steps: Section['path']): Array<{ node: PNode; path: NodePath }> {
    const found: Array<{ node: PNode; path: NodePath }> = [];
    const walk = (node: PNode, path: NodePath, rest: Section['path']): void => {
      if (rest.length === 0) {
        // `"mcpServers": null` means none.
        if (!(node.kind === 'scalar' && node.value === null)) found.push({ node, path });
        return;
      }
      const [step, ...tail] = rest;
      if (node.kind !== 'object') {
        if (path.length > 0) this.typeError(path, 'an object', node);
        return;
      }
      if (step === ANY) {
        // Entries of an open-ended map (Claude's projects) that are not objects hold no servers.
        for (const prop of this.entries(node)) if (prop.value.kind === 'object') walk(prop.value, [...path, prop.key], tail);
        return;
      }
      const prop = this.prop(node, step);
      if (prop) walk(prop.value, [...path, step], tail);
    };
    walk(root, [], steps);
    return found;
  }

  string(prop: PProp | undefined, path: NodePath): Located | undefined {
    if (!prop) return undefined;
    const node = prop.value;
    if (node.kind === 'scalar' && typeof node.value === 'string') return { value: node.value, range: this.range(node.start, node.end) };
    if (!(node.kind === 'scalar' && node.value === null)) this.typeError(path, 'a string', node);
    return undefined;
  }

  /** The string items of a list; other items are reported and left out. */
  strings(list: PNode & { kind: 'array' }, path: NodePath): Located[] {
    const out: Located[] = [];
    list.items.forEach((item, index) => {
      if (item.kind === 'scalar' && typeof item.value === 'string') out.push({ value: item.value, range: this.range(item.start, item.end) });
      else this.typeError([...path, index], 'a string', item);
    });
    return out;
  }

  /** A map of names to values (env, headers). */
  entryMap(prop: PProp | undefined, path: NodePath): LocatedEntry[] {
    if (!prop) return [];
    const node = prop.value;
    if (node.kind === 'object') return this.entryList(this.entries(node), path);
    if (!(node.kind === 'scalar' && node.value === null)) this.typeError(path, 'an object', node);
    return [];
  }

  entryList(props: PProp[], path: NodePath): LocatedEntry[] {
    return props.map((prop) => {
      const node = prop.value;
      const isString = node.kind === 'scalar' && typeof node.value === 'string';
      // Numbers and booleans are coerced by clients; nested structures are a mistake.
      if (node.kind !== 'scalar') this.typeError([...path, prop.key], 'a string', node);
      return {
        key: prop.key,
        keyRange: this.range(prop.keyStart, prop.keyEnd),
        value: node.kind === 'scalar' ? String(node.value) : this.text.slice(node.start, node.end),
        range: this.range(node.start, node.end),
        isString,
      };
    });
  }
}

function describe(node: PNode): string {
  if (node.kind !== 'scalar') return node.kind === 'object' ? 'an object' : 'a list';
  if (node.value === null) return 'null';
  return `a ${typeof node.value}`;
}

/** `mcpServers.github.args[2]`, with keys that are not identifiers quoted. */
export function formatPath(path: NodePath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}
