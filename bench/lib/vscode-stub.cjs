// A minimal stand-in for the `vscode` module, enough for activate() to run outside an
// editor so the benchmark can time `require(dist/extension.js)` + `activate()` alone.
const Module = require('node:module');
const path = require('node:path');

class EventEmitter {
  constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return { dispose() {} }; }; }
  fire(e) { for (const l of this.listeners) l(e); }
  dispose() {}
}
const disposable = { dispose() {} };
const event = () => disposable;
class Uri {
  constructor(p) { this.fsPath = p; this.path = p; this.scheme = 'file'; }
  static file(p) { return new Uri(p); }
  static joinPath(u, ...parts) { return new Uri(path.join(u.fsPath, ...parts)); }
}
const vscode = {
  version: '1.100.0-stub',
  EventEmitter, Uri,
  Disposable: class { constructor(f) { this.dispose = f; } },
  ThemeIcon: Object.assign(class { constructor(id, color) { this.id = id; this.color = color; } }, { File: { id: 'file' } }),
  ThemeColor: class { constructor(id) { this.id = id; } },
  Location: class { constructor(uri, range) { this.uri = uri; this.range = range; } },
  DiagnosticRelatedInformation: class { constructor(location, message) { this.location = location; this.message = message; } },
  TreeItem: class { constructor(label, state) { this.label = label; this.collapsibleState = state; } },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  MarkdownString: class { constructor(v) { this.value = v; } },
  RelativePattern: class { constructor(b, p) { this.base = b; this.pattern = p; } },
  Range: class {}, Diagnostic: class {},
  CodeAction: class { constructor(title, kind) { this.title = title; this.kind = kind; } },
  CodeActionKind: { QuickFix: { value: 'quickfix' } }, DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  ProgressLocation: { Window: 10, Notification: 15 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  TestRunProfileKind: { Run: 1, Debug: 2, Coverage: 3 },
  tests: {
    createTestController: () => ({ items: { replace() {}, forEach() {}, get() {} }, createRunProfile() {}, createTestItem: () => ({ children: { add() {}, get() {} } }), dispose() {} }),
  },
  window: {
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    createOutputChannel: () => ({ info() {}, debug() {}, warn() {}, error() {}, show() {}, dispose() {} }),
    createTreeView: () => ({ dispose() {}, message: undefined }),
    withProgress: (_o, task) => task({ report() {} }),
    showErrorMessage: async () => undefined,
  },
  workspace: {
    isTrusted: true,
    workspaceFolders: [],
    createFileSystemWatcher: () => ({ onDidChange: event, onDidCreate: event, onDidDelete: event, dispose() {} }),
    onDidChangeWorkspaceFolders: event, onDidChangeConfiguration: event, onDidGrantWorkspaceTrust: event,
    onDidChangeTextDocument: event, onDidOpenTextDocument: event, onDidCloseTextDocument: event, textDocuments: [],
    getConfiguration: () => ({ get: (_k, d) => d }),
  },
  languages: { createDiagnosticCollection: () => ({ clear() {}, set() {}, dispose() {} }), registerCodeActionsProvider: () => disposable },
  commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
};
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return 'vscode';
  return originalResolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
module.exports = vscode;
