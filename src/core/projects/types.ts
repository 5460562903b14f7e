/**
 * What the source analysers find in one file. Two shapes of the same facts:
 * - `*Nodes` variants hold tree-sitter nodes and live only as long as their tree (for the
 *   authorization linter, which inspects handler bodies while the tree is alive);
 * - the plain variants hold ranges only and may be kept, cached or serialised.
 */
import type { ServerFramework, SourceRange, Transport } from '../model';
import type { SourceLanguage, SyntaxNode } from '../parse/treeSitter';
import type { ProjectStrings } from './exportedStrings';
import type { NodeIndex } from './nodeIndex';

export type RegistrationKind =
  /** TS SDK v1 `server.tool(name, ...)`, every overload. */
  | 'sdk-tool'
  /** TS SDK v1/v2 `server.registerTool(name, config, cb)`. */
  | 'register-tool'
  /** TS low-level server: an entry of the `tools` array returned by the tools/list handler. */
  | 'low-level-list'
  /** TS low-level server: a `case 'x':` / `if (name === 'x')` arm of the tools/call handler. */
  | 'low-level-case'
  /** punkpeye fastmcp `server.addTool({ name, execute })` / `addTools([...])`. */
  | 'fastmcp-add-tool'
  /** mcp-framework `class X extends MCPTool { name = 'x' }`. */
  | 'mcp-framework-class'
  /** xmcp: a file in a tools folder exporting `metadata` (name or file name). */
  | 'xmcp-metadata'
  /** Python `@mcp.tool()` / `@mcp.tool` / `@mcp.tool(name=...)` decorator. */
  | 'py-tool-decorator'
  /** Python `mcp.add_tool(fn, name=...)`. */
  | 'py-add-tool'
  /** Python low-level `@server.list_tools()` returning `types.Tool(name=...)`. */
  | 'py-low-level-list'
  /** Python low-level `@server.call_tool()` arm: `if name == 'x'` / `case 'x':`. */
  | 'py-low-level-case'
  /** mark3labs/mcp-go `s.AddTool(mcp.NewTool("x", ...), handler)`. */
  | 'go-mcp-go-add-tool'
  /** Official Go SDK `mcp.AddTool(s, &mcp.Tool{Name: "x"}, h)` / `s.AddTool(&mcp.Tool{...}, h)`. */
  | 'go-sdk-add-tool';

/** Registrations that enumerate a low-level server's tools (as opposed to dispatch arms). */
export const LIST_KINDS: ReadonlySet<RegistrationKind> = new Set(['low-level-list', 'py-low-level-list']);
/** Dispatch arms of a low-level call-tool handler; used only when no list names the tool. */
export const CASE_KINDS: ReadonlySet<RegistrationKind> = new Set(['low-level-case', 'py-low-level-case']);

/** A tool registration with its syntax nodes; valid only while the tree is alive. */
export interface ToolRegistrationNodes {
  name: string;
  kind: RegistrationKind;
  /** The name literal (or, for names taken from a declaration, the declared identifier). */
  nameNode: SyntaxNode;
  /** The whole registering construct: the call, decorated definition, class, case arm... */
  registrationNode: SyntaxNode;
  /** The code that runs when the tool is called: a function, method, case arm or identifier. */
  handlerNode?: SyntaxNode;
  /** Source text of the object the tool is registered on (`server`, `this.mcp`), when any. */
  receiver?: string;
}

/** The same, as plain data. */
export interface ToolRegistration {
  name: string;
  kind: RegistrationKind;
  /** Absolute path of the file. */
  file: string;
  nameRange: SourceRange;
  registrationRange: SourceRange;
  handlerRange?: SourceRange;
  receiver?: string;
}

/** Everything one file's tree says about MCP servers. */
export interface SourceFactsNodes {
  registrations: ToolRegistrationNodes[];
  transports: Transport[];
  /** The file imports a server-side MCP module, constructs a server, registers tools or serves a transport. */
  serverEvidence: boolean;
  /** The tree's node index (one walk, shared with later consumers of the same tree). */
  index?: NodeIndex;
}

export interface SourceFacts {
  registrations: ToolRegistration[];
  transports: Transport[];
  serverEvidence: boolean;
}

/** What an analyser knows besides the tree. */
export interface SourceContext {
  file: string;
  language: SourceLanguage;
  /** The project's framework, when the file belongs to a known project. */
  framework?: ServerFramework;
  /** String constants exported by the project's other JS/TS files (names imported from siblings). */
  importedStrings?: ProjectStrings;
}

/** One language's extractor. */
export type SourceAnalyzer = (root: SyntaxNode, context: SourceContext, index: NodeIndex) => SourceFactsNodes;
