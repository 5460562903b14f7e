/**
 * planMigration: from a config's text to the edits that move its plaintext secrets out.
 * Pure and total: it never throws and never touches the disk or the keychain; the executor
 * (execute.ts) stores the values and writes the file, the editor can turn the same edits into
 * a WorkspaceEdit.
 *
 * Per value (a finding of findSecretsInConfig, grouped by the literal it sits in):
 *   env (stdio)        value → `keyring://service/account`; the entry runs under the launcher
 *   argument (stdio)   whole arg → reference, or `--flag=` + reference; launcher as above
 *   header / URL       remote entry → stdio entry `<launcher> --bridge <url|ref> --header "Name: <value|ref>"…`
 *   vscode-input       VS Code mcp.json: value → `${input:id}`, a password input is added
 * The launcher resolves whole values only, so a value holding more than the key (`Bearer <token>`,
 * a connection URL with a password) is stored whole and replaced whole.
 */
import type { ConfigServer, Located, LocatedEntry, SourceRange } from '../model';
import { parseClientConfig } from '../discovery/configParse';
import { findProp, parsePositionedTree, type PArray, type PNode, type PObject, type PProp, type TreeFormat } from '../parse/positionedTree';
import { findSecretsInConfig, type SecretHit } from '../scan/secretFindings';
import { accountName, keyringReference, uniqueAccount } from '../keychain/keychain';
import { isLauncherCommand } from '../launcher/paths';
import { redactSecret } from '../secrets';
import { LAUNCH_FORMS, SSE_TYPES, TYPE_KEYS, type LaunchForm } from './forms';
import { SyntaxEditor, editsOverlap, flowList, sortEdits, stringLiteral } from './syntax';
import type { MigrationPlan, MigrationStrategy, PlanInput, PlannedSecret, SecretSlot, ServerChange, TextEdit } from './types';

const TREE_FORMAT: Record<string, TreeFormat> = { json: 'json', jsonc: 'json', toml: 'toml', yaml: 'yaml' };

/** One literal holding one or more findings. */
interface Target {
  slot: SecretSlot;
  /** Index in server.env / headers / args (0 for the url). */
  index: number;
  literal: Located | LocatedEntry;
  key: string;
  hits: SecretHit[];
}

interface ServerWork {
  server: ConfigServer;
  targets: Target[];
}

class Skip extends Error {}

export function planMigration(input: PlanInput): MigrationPlan {
  const strategy: MigrationStrategy = input.strategy ?? 'keychain';
  const plan: MigrationPlan = {
    file: input.candidate.path,
    client: input.candidate.client,
    candidate: input.candidate,
    strategy,
    service: input.service,
    launcher: input.launcher,
    secrets: [],
    changes: [],
    edits: [],
    warnings: [],
    skipped: [],
  };
  try {
    return buildPlan(input, strategy, plan);
  } catch (error) {
    // A bug must not produce half a plan: report it, plan nothing.
    return { ...plan, secrets: [], changes: [], edits: [], skipped: [{ serverName: '*', reason: `internal error while planning (${(error as Error)?.name ?? 'unknown'})` }] };
  }
}

function buildPlan(input: PlanInput, strategy: MigrationStrategy, plan: MigrationPlan): MigrationPlan {
  const { text, candidate } = input;
  const config = parseClientConfig(text, candidate);
  const errors = config.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    plan.skipped.push({ serverName: '*', reason: `the file has ${errors.length} error(s) (${errors[0]!.message}); fix them first, nothing is rewritten` });
    return plan;
  }
  if (strategy === 'vscode-input' && !(candidate.client === 'vscode' && candidate.shape === 'vscode-servers')) {
    plan.skipped.push({ serverName: '*', reason: 'VS Code inputs (${input:…}) only work in a VS Code mcp.json; use the keychain strategy for this file' });
    return plan;
  }
  const format = TREE_FORMAT[candidate.format] ?? 'json';
  const tree = parsePositionedTree(text, format);
  if (!tree.root || tree.root.kind !== 'object') return plan;
  const root = tree.root;

  let hits = findSecretsInConfig(config, text, { root: input.root });
  if (input.only) {
    const wanted = new Set(input.only.offsets);
    hits = hits.filter((hit) => wanted.has(hit.finding.range.start.offset));
  }
  const { work, unplaced } = groupHits(config.servers, hits);
  for (const hit of unplaced) {
    const at = hit.finding.range.start.offset;
    const server = config.servers.find((s) => contains(s.range, at));
    plan.skipped.push({ serverName: server?.name ?? '*', reason: 'a secret in its command itself cannot be moved automatically; edit it by hand' });
  }
  const editor = new SyntaxEditor(text, format);
  const form = LAUNCH_FORMS[candidate.shape];
  const taken = new Set(input.existingAccounts);
  const inputIds = new Set(existingInputIds(root));
  const newInputs: string[] = [];

  for (const { server, targets } of work) {
    const entry = nodeAt(root, server.path);
    if (entry?.kind !== 'object') {
      plan.skipped.push({ serverName: server.name, reason: 'its entry could not be located in the file' });
      continue;
    }
    const edits: TextEdit[] = [];
    const secrets: PlannedSecret[] = [];
    const warnings: string[] = [];
    const changes: ServerChange[] = [];
    const localTaken = new Set(taken);
    const localInputs = new Set(inputIds);
    const inputsHere: string[] = [];
    try {
      // A YAML alias points into another entry: rewriting it would change that entry too.
      if (targets.some((t) => t.literal.range.start.offset < entry.start || t.literal.range.end.offset > entry.end)) {
        throw new Skip('a value is shared with another entry through a YAML alias; edit it by hand');
      }
      const account = (key: string) => {
        const name = uniqueAccount(accountName(server.name, key), localTaken);
        localTaken.add(name);
        return name;
      };
      if (strategy === 'vscode-input') {
        for (const target of targets) {
          const id = uniqueInputId(server.name, target.key, localInputs);
          const { secret, replaced, whole } = inputValue(target, id);
          const acct = account(target.key);
          edits.push(must(editor.replaceScalar(scalarAt(target.literal), replaced)));
          inputsHere.push(inputObject(id, `${server.name}: ${target.key}`));
          secrets.push(planned(target, server, acct, `\${input:${id}}`, secret, 'vscode-input', whole));
          warnings.push(`server ${server.name}: VS Code asks once for input "${id}" when the server starts and keeps it encrypted; a copy stays in the OS keychain (${keyringReference(input.service, acct)}) so the value is never lost.`);
        }
      } else {
        const remote = targets.filter((t) => t.slot === 'header' || t.slot === 'url');
        const local = targets.filter((t) => t.slot === 'env' || t.slot === 'arg');
        if (remote.length > 0 && local.length > 0) throw new Skip('secrets both in its launch (env/args) and in its remote settings (url/headers)');
        if (local.length > 0) {
          if (!server.command) throw new Skip('it has no command to run under the launcher');
          for (const target of local) {
            const acct = account(target.key);
            const reference = keyringReference(input.service, acct);
            const { stored, written, whole } = localValue(target, reference);
            edits.push(must(editor.replaceScalar(scalarAt(target.literal), written)));
            secrets.push(planned(target, server, acct, reference, stored, 'keychain', whole));
            if (whole) warnings.push(`server ${server.name} ${target.slot} ${target.key}: the whole value is stored (it holds more than the key), because the launcher resolves whole values.`);
            if (target.slot === 'arg') warnings.push(`server ${server.name} argument ${target.key}: the launcher puts the value back into the argument at start, so the server still receives it in argv (visible in the process list); an env var is safer where the server supports one.`);
          }
          if (!isLauncherCommand(server.command.value)) {
            edits.push(...wrapEdits(editor, entry, form, input.launcher));
            changes.push({ serverName: server.name, serverPath: server.path, kind: 'wrap', before: server.command.value });
          }
        } else {
          const bridge = bridgeEdits(editor, entry, server, form, remote, input, account);
          edits.push(...bridge.edits);
          secrets.push(...bridge.secrets);
          changes.push({ serverName: server.name, serverPath: server.path, kind: 'bridge', before: bridge.before });
          warnings.push(`server ${server.name}: the remote entry now runs the launcher's stdio bridge (${input.launcher} --bridge …), which reads its secrets from the keychain at start; the client sees a stdio server.`);
          for (const target of remote) {
            if (secretIsPartOfValue(target)) warnings.push(`server ${server.name} ${target.slot} ${target.key}: the whole value is stored (it holds more than the key), because the launcher resolves whole values.`);
          }
        }
      }
      const all = [...plan.edits, ...edits];
      if (editsOverlap(all)) throw new Skip('its rewrite would overlap another edit');
      plan.edits.push(...edits);
      plan.secrets.push(...secrets);
      plan.warnings.push(...warnings);
      plan.changes.push(...changes);
      newInputs.push(...inputsHere);
      for (const a of localTaken) taken.add(a);
      for (const id of localInputs) inputIds.add(id);
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      plan.skipped.push({ serverName: server.name, reason: error.message || 'its layout cannot be rewritten safely' });
    }
  }

  if (newInputs.length > 0) {
    const edit = inputsEdit(editor, root, newInputs);
    if (!edit) {
      return { ...plan, secrets: [], changes: [], edits: [], skipped: [...plan.skipped, { serverName: '*', reason: 'the "inputs" list of this file cannot be extended safely' }] };
    }
    plan.edits.push(edit);
  }
  plan.edits = sortEdits(plan.edits);
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Findings → targets

function contains(range: SourceRange, offset: number): boolean {
  return range.start.offset <= offset && offset < range.end.offset;
}

function groupHits(servers: readonly ConfigServer[], hits: readonly SecretHit[]): { work: ServerWork[]; unplaced: SecretHit[] } {
  const byServer = new Map<ConfigServer, Map<string, Target>>();
  const unplaced: SecretHit[] = [];
  for (const hit of hits) {
    const at = hit.finding.range.start.offset;
    if (!servers.some((server) => locate(server, at))) unplaced.push(hit);
    for (const server of servers) {
      const target = locate(server, at);
      if (!target) continue;
      const targets = byServer.get(server) ?? new Map<string, Target>();
      byServer.set(server, targets);
      const id = `${target.slot}:${target.index}`;
      const existing = targets.get(id);
      if (existing) existing.hits.push(hit);
      else targets.set(id, { ...target, hits: [hit] });
      break;
    }
  }
  const work = servers
    .filter((s) => byServer.has(s))
    .map((server) => ({ server, targets: [...byServer.get(server)!.values()].sort((a, b) => a.literal.range.start.offset - b.literal.range.start.offset) }));
  return { work, unplaced };
}

function locate(server: ConfigServer, at: number): Omit<Target, 'hits'> | undefined {
  const envIndex = server.env.findIndex((e) => contains(e.range, at));
  if (envIndex >= 0) return { slot: 'env', index: envIndex, literal: server.env[envIndex]!, key: server.env[envIndex]!.key };
  const headerIndex = server.headers.findIndex((e) => contains(e.range, at));
  if (headerIndex >= 0) return { slot: 'header', index: headerIndex, literal: server.headers[headerIndex]!, key: server.headers[headerIndex]!.key };
  const argIndex = server.args.findIndex((a) => contains(a.range, at));
  if (argIndex >= 0) return { slot: 'arg', index: argIndex, literal: server.args[argIndex]!, key: argKey(server.args, argIndex) };
  if (server.url && contains(server.url.range, at)) return { slot: 'url', index: 0, literal: server.url, key: 'url' };
  return undefined;
}

/** `api-key` for `--api-key=…` or `--api-key …`; `argN` otherwise. */
function argKey(args: readonly Located[], index: number): string {
  const own = FLAG_PREFIX.exec(args[index]!.value);
  if (own) return own[1]!.replace(/^-+/, '');
  const previous = args[index - 1]?.value;
  if (previous && /^--?[A-Za-z][\w.-]*$/.test(previous)) return previous.replace(/^-+/, '');
  return `arg${index}`;
}

/** `--flag=` or `NAME=` at the start of an argument (names the account). */
const FLAG_PREFIX = /^(--?[A-Za-z][\w.-]{0,60}|[A-Za-z_][A-Za-z0-9_]{0,100})=/;

/**
 * The prefix the launcher keeps when it resolves `--flag=keyring://…` (its contract: a whole
 * argument or `--flag=<reference>`). Any other argument holding a secret is stored whole.
 */
const REWRITE_PREFIX = /^--?[A-Za-z][\w.-]{0,60}=/;

function secretIsPartOfValue(target: Target): boolean {
  return target.hits.length > 1 || target.hits[0]!.secret !== target.literal.value;
}

// ---------------------------------------------------------------------------------------------
// Values

/** What the keychain stores and what the literal becomes, for env values and arguments. */
function localValue(target: Target, reference: string): { stored: string; written: string; whole: boolean } {
  const value = target.literal.value;
  if (target.slot === 'arg') {
    const prefix = REWRITE_PREFIX.exec(value);
    const secretsAfterPrefix = prefix && target.hits.every((h) => value.indexOf(h.secret, prefix[0].length) >= prefix[0].length);
    if (prefix && secretsAfterPrefix) {
      const rest = value.slice(prefix[0].length);
      return { stored: rest, written: prefix[0] + reference, whole: !target.hits.every((h) => h.secret === rest) };
    }
  }
  return { stored: value, written: reference, whole: secretIsPartOfValue(target) };
}

function inputValue(target: Target, id: string): { secret: string; replaced: string; whole: boolean } {
  const value = target.literal.value;
  const hit = target.hits[0]!;
  const at = value.indexOf(hit.secret);
  if (target.hits.length === 1 && at >= 0 && value.indexOf(hit.secret, at + 1) < 0) {
    return { secret: hit.secret, replaced: value.slice(0, at) + `\${input:${id}}` + value.slice(at + hit.secret.length), whole: false };
  }
  return { secret: value, replaced: `\${input:${id}}`, whole: true };
}

function planned(target: Target, server: ConfigServer, account: string, reference: string, secret: string, storage: MigrationStrategy, whole: boolean): PlannedSecret {
  const ranges = target.hits.map((h) => h.finding.range);
  return {
    account,
    reference,
    secret,
    detected: target.hits.map((h) => h.secret),
    storage,
    serverName: server.name,
    serverPath: server.path,
    key: target.key,
    location: target.slot,
    findingRange: ranges[0]!,
    findingRanges: ranges,
    redacted: target.hits[0]!.finding.secret?.redacted ?? redactSecret(target.hits[0]!.secret),
    wholeValue: whole,
  };
}

function scalarAt(literal: Located | LocatedEntry): PNode {
  return { kind: 'scalar', start: literal.range.start.offset, end: literal.range.end.offset, value: literal.value };
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Skip('its layout cannot be rewritten safely (edit it by hand or use a simpler layout)');
  return value;
}

// ---------------------------------------------------------------------------------------------
// Structure

/** The node at `path` (last duplicate key wins, as the reader does). */
function nodeAt(root: PNode, path: ReadonlyArray<string | number>): PNode | undefined {
  let node: PNode | undefined = root;
  for (const step of path) {
    if (!node) return undefined;
    if (typeof step === 'number') node = node.kind === 'array' ? node.items[step] : undefined;
    else node = node.kind === 'object' ? findProp(node, step)?.value : undefined;
  }
  return node;
}

/** command → launcher, args → ['--', command, ...args]. */
function wrapEdits(editor: SyntaxEditor, entry: PObject, form: LaunchForm, launcher: string): TextEdit[] {
  const commandProp = findProp(entry, form.commandKey);
  if (!commandProp) throw new Skip('it has no command to run under the launcher');
  const command = commandProp.value;
  if (command.kind === 'array') {
    if (form.commandForm !== 'array') throw new Skip('its command is a list');
    return [must(editor.prependItems(command, [launcher, '--']))];
  }
  let host = entry;
  let exe = commandProp;
  if (command.kind === 'object') {
    // Zed's legacy form: `command: { path, args, env }`.
    if (form.commandForm !== 'zed') throw new Skip('its command is an object');
    const path = findProp(command, 'path');
    if (!path) throw new Skip('its command has no path');
    host = command;
    exe = path;
  }
  if (exe.value.kind !== 'scalar' || typeof exe.value.value !== 'string') throw new Skip('its command is not a string');
  const original = exe.value.value;
  const edits = [must(editor.replaceScalar(exe.value, launcher))];
  const args = findProp(host, 'args');
  if (args?.value.kind === 'array') edits.push(must(editor.prependItems(args.value, ['--', original])));
  else if (!args) edits.push(must(editor.addAfter(host, exe, [['args', flowList(['--', original])]])));
  else throw new Skip('its args are not a list');
  return edits;
}

interface BridgeResult {
  edits: TextEdit[];
  secrets: PlannedSecret[];
  before: string;
}

/** Remote entry → `<launcher> --bridge <url|ref> [--header "Name: value|ref"]...`. */
function bridgeEdits(
  editor: SyntaxEditor,
  entry: PObject,
  server: ConfigServer,
  form: LaunchForm,
  targets: readonly Target[],
  input: PlanInput,
  account: (key: string) => string,
): BridgeResult {
  if (server.command) throw new Skip('it has both a command and remote settings');
  const typeProp = TYPE_KEYS.map((k) => findProp(entry, k)).find((p) => p !== undefined);
  const typeValue = typeProp?.value.kind === 'scalar' ? String(typeProp.value.value).toLowerCase() : undefined;
  const urlSpec = form.urlKeys.find((u) => findProp(entry, u.key));
  const urlProp = urlSpec ? findProp(entry, urlSpec.key) : undefined;
  if (!urlProp || !server.url) throw new Skip('it has no URL');
  if (urlSpec!.sse || (typeValue !== undefined && SSE_TYPES.has(typeValue)) || server.transport === 'sse') {
    throw new Skip('it uses the SSE transport; the bridge speaks Streamable HTTP only');
  }
  const blocking = form.remoteOnlyKeys.filter((k) => findProp(entry, k));
  if (blocking.length > 0) throw new Skip(`it uses ${blocking.join(', ')}, which a stdio bridge cannot honour`);

  const secrets: PlannedSecret[] = [];
  const refs = new Map<Target, string>();
  for (const target of targets) {
    const acct = account(target.key);
    const reference = keyringReference(input.service, acct);
    const bearer = target.slot === 'header' && form.bearerKeys.includes(target.key);
    const stored = bearer ? `Bearer ${target.literal.value}` : target.literal.value;
    refs.set(target, reference);
    secrets.push(planned(target, server, acct, reference, stored, 'keychain', bearer || secretIsPartOfValue(target)));
  }
  const urlTarget = targets.find((t) => t.slot === 'url');
  const argv = ['--bridge', urlTarget ? refs.get(urlTarget)! : server.url.value];
  server.headers.forEach((header, index) => {
    const target = targets.find((t) => t.slot === 'header' && t.index === index);
    const name = form.bearerKeys.includes(header.key) ? 'Authorization' : header.key;
    const value = target ? refs.get(target)! : form.bearerKeys.includes(header.key) ? `Bearer ${header.value}` : header.value;
    argv.push('--header', `${name}: ${value}`);
  });

  const edits: TextEdit[] = [];
  const launch: Array<[string, string]> = form.commandForm === 'array'
    ? [[form.commandKey, flowList([input.launcher, ...argv])]]
    : [[form.commandKey, stringLiteral(input.launcher)], ['args', flowList(argv)]];
  edits.push(must(editor.replaceProp(entry, urlProp, launch)));
  // Every other address field and every header map goes: a stdio entry has none.
  for (const spec of form.urlKeys) {
    const other = findProp(entry, spec.key);
    if (other && other !== urlProp) edits.push(must(editor.deleteProp(entry, other)));
  }
  for (const path of form.headerPaths) edits.push(...deletePath(editor, entry, path));
  for (const key of form.bearerKeys) {
    const prop = findProp(entry, key);
    if (prop) edits.push(must(editor.deleteProp(entry, prop)));
  }
  if (typeProp) edits.push(must(editor.replaceScalar(typeProp.value, form.stdioType)));
  return { edits, secrets, before: urlTarget ? redactSecret(server.url.value) : server.url.value };
}

/** Deletes the property at `path` below `entry`; an ancestor left empty goes with it. */
function deletePath(editor: SyntaxEditor, entry: PObject, path: readonly string[]): TextEdit[] {
  const chain: Array<{ object: PObject; prop: PProp }> = [];
  let object: PObject = entry;
  for (const key of path) {
    const prop = findProp(object, key);
    if (!prop) return [];
    chain.push({ object, prop });
    if (prop.value.kind !== 'object') break;
    object = prop.value;
  }
  if (chain.length !== path.length) return [];
  // Climb while the parent holds nothing else.
  let at = chain.length - 1;
  while (at > 0 && chain[at]!.object.props.length === 1) at--;
  return [must(editor.deleteProp(chain[at]!.object, chain[at]!.prop))];
}

// ---------------------------------------------------------------------------------------------
// VS Code inputs

function existingInputIds(root: PObject): string[] {
  const inputs = findProp(root, 'inputs')?.value;
  if (inputs?.kind !== 'array') return [];
  const ids: string[] = [];
  for (const item of inputs.items) {
    const id = item.kind === 'object' ? findProp(item, 'id')?.value : undefined;
    if (id?.kind === 'scalar' && typeof id.value === 'string') ids.push(id.value);
  }
  return ids;
}

function uniqueInputId(serverName: string, key: string, taken: Set<string>): string {
  const base = `${serverName}-${key}`.replace(/[^\w.-]+/g, '-');
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function inputObject(id: string, description: string): string {
  return `{ "type": "promptString", "id": ${stringLiteral(id)}, "description": ${stringLiteral(description)}, "password": true }`;
}

function inputsEdit(editor: SyntaxEditor, root: PObject, items: readonly string[]): TextEdit | undefined {
  const inputs = findProp(root, 'inputs');
  if (inputs) return inputs.value.kind === 'array' ? editor.appendRaw(inputs.value as PArray, items) : undefined;
  // A new list: one input per line, indented like the file's top-level properties.
  const first = root.props[0];
  const indent = first ? editor.indentBefore(first.keyStart) : undefined;
  if (!first || !indent) return editor.prependProp(root, 'inputs', `[${items.join(', ')}]`);
  const inner = editor.eol + indent + indent;
  return editor.prependProp(root, 'inputs', `[${inner}${items.join(`,${inner}`)}${editor.eol}${indent}]`);
}
