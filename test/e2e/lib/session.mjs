// One VS Code session for an end-to-end test: a fresh profile (user-data + extensions dirs),
// the VSIX installed into it, code-server on 127.0.0.1 with a fake $HOME, and a Chromium page
// on the workbench. Failure diagnostics (screenshot, the extension's log, the extension
// host's lines about it, code-server's log, page errors) are printed once per session.
//
// Used by every e2e file (authz, matrix, secrets, vscode).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  createProfile,
  findExtensionLogs,
  installVsix,
  locateCodeServer,
  startCodeServer,
  tailFile,
} from '../../../scripts/lib/code-server.mjs';
import { openWorkbench, screenshot, viewMessage, waitFor } from './workbench.mjs';

export const EXTENSION_ID = 'mcp-secure.mcp-secure';

/** Editor settings under which the editor's text can be read from its rendered lines, exactly as typed. */
export const EDITOR_TEST_SETTINGS = {
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'extensions.autoUpdate': false,
  // VS Code for the Web saves after a delay by default: "before saving" needs it off.
  'files.autoSave': 'off',
  'editor.autoClosingQuotes': 'never',
  'editor.autoClosingBrackets': 'never',
  'editor.autoSurround': 'never',
  'editor.autoIndent': 'none',
  'editor.formatOnType': false,
  'editor.formatOnPaste': false,
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  'editor.parameterHints.enabled': false,
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'editor.renderWhitespace': 'none',
  'editor.wordWrap': 'off',
  'editor.codeLens': false,
  'editor.inlayHints.enabled': 'off',
  'editor.lightbulb.enabled': 'off',
  'workbench.editor.enablePreview': false,
};

export class Session {
  failed = false;

  /**
   * @param {object} o
   * @param {string} o.name  short name (profile prefix, failure screenshot names)
   * @param {string} o.workspace  folder to open
   * @param {string} o.vsix
   * @param {string} o.results  screenshot folder
   * @param {boolean} [o.trusted]
   * @param {object} [o.settings]  user settings (over QUIET_SETTINGS)
   * @param {{width:number,height:number}} [o.viewport]
   * @param {boolean} [o.keep]  keep the profile (E2E_KEEP)
   * @param {(text:string)=>string} [o.redact]  applied to everything printed
   * @param {(msg:string)=>void} [o.debug]
   * @param {(home:string)=>void} [o.prepareHome]  fills the fake $HOME before code-server starts (e.g. plants user configs)
   * @param {(page:object)=>Promise<string[]>} [o.diagnostics]  extra lines for the failure diagnostics (what this test's views show)
   */
  constructor({ name, workspace, vsix, results, trusted = true, settings = {}, viewport = { width: 1440, height: 1400 }, keep = false, redact = (t) => t, debug = () => {}, prepareHome, diagnostics }) {
    Object.assign(this, { name, workspace, vsix, results, trusted, settings, viewport, keep, redact, debug, prepareHome, diagnostics });
  }

  /**
   * @param {object} chromium  from launchChromium()
   * @param {object} [opts]
   * @param {(server:object)=>Promise<void>} [opts.beforeBrowser]  runs once code-server answers, before the page opens
   */
  async start(chromium, { beforeBrowser } = {}) {
    const cs = locateCodeServer();
    this.profile = createProfile({ trusted: this.trusted, keep: this.keep, prefix: `mcp-secure-e2e-${this.name}-`, settings: this.settings });
    if (this.keep) console.log(`# ${this.name}: profile in ${this.profile.dir}, workspace ${this.workspace}`);
    const installed = installVsix(cs, this.profile, this.vsix);
    assert.equal(installed.id, EXTENSION_ID, `the VSIX installed ${installed.id}, expected ${EXTENSION_ID}`);
    this.extensionDir = installed.dir;
    const home = path.join(this.profile.dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    this.prepareHome?.(home);
    this.env = {
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
    };
    this.server = await startCodeServer(cs, this.profile, { folder: this.workspace, env: this.env });
    this.debug(`${this.name}: code-server up on ${this.server.url}`);
    if (beforeBrowser) await beforeBrowser(this.server);
    this.context = await chromium.browser.newContext({ viewport: this.viewport });
    this.page = await this.context.newPage();
    this.pageErrors = [];
    this.page.on('pageerror', (e) => this.pageErrors.push(String(e)));
    await openWorkbench(this.page, this.server.url, { timeout: 60_000 });
    this.debug(`${this.name}: workbench open`);
  }

  /** The "MCP Secure" output channel, as written so far. */
  logText() {
    return findExtensionLogs(this.profile).mcpSecure.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  }

  /**
   * Waits until the extension host has activated the extension (its "MCP Secure" log exists)
   * and returns the activation event the host logged for it.
   */
  async waitForActivation(timeout = 30_000) {
    return waitFor(
      () => {
        const logs = findExtensionLogs(this.profile);
        if (logs.mcpSecure.length === 0) return null;
        for (const f of logs.exthost) {
          const m = fs.readFileSync(f, 'utf8').match(/_doActivateExtension mcp-secure\.mcp-secure\b.*activationEvent: '([^']+)'/);
          if (m) return m[1];
        }
        return null;
      },
      { timeout, interval: 200, message: 'the extension host to activate mcp-secure.mcp-secure (and its "MCP Secure" log)' },
    );
  }

  /** Lines of the extension host log that name the extension together with an error. */
  activationErrors() {
    const out = [];
    for (const f of findExtensionLogs(this.profile).exthost) {
      for (const l of fs.readFileSync(f, 'utf8').split('\n')) if (/mcp-secure\.mcp-secure/i.test(l) && /\[error\]|failed|exception/i.test(l)) out.push(l);
    }
    return out;
  }

  async diagnose(testName) {
    const lines = [`---- diagnostics for ${this.name} / ${testName} ----`];
    if (this.page) {
      const file = await screenshot(this.page, `e2e-failure-${this.name}-${testName.replace(/\W+/g, '-')}.png`, this.results).catch(() => null);
      if (file) lines.push(`screenshot: ${file}`);
      lines.push(`view message: ${await viewMessage(this.page).catch(() => '?')}`);
      if (this.diagnostics) lines.push(...(await this.diagnostics(this.page).catch((e) => [`extra diagnostics failed: ${e}`])));
    }
    if (this.profile) {
      const logs = findExtensionLogs(this.profile);
      if (logs.mcpSecure.length === 0) lines.push('no "MCP Secure" output log found (did the extension activate?)');
      for (const f of logs.mcpSecure) lines.push(`== ${f} (tail)`, tailFile(f, 60));
      for (const f of logs.exthost) {
        const relevant = fs.readFileSync(f, 'utf8').split('\n').filter((l) => /mcp-secure\.mcp-secure|\[error\]/i.test(l));
        lines.push(`== ${f} (lines about mcp-secure / errors)`, relevant.slice(-40).join('\n'));
      }
    }
    if (this.server) lines.push('== code-server log (tail)', this.server.logTail(30));
    if (this.pageErrors?.length) lines.push('== page errors', this.pageErrors.slice(-10).join('\n'));
    console.error(this.redact(lines.join('\n')));
  }

  /** Wraps a test body: a setup error is rethrown, diagnostics are printed once on failure. */
  step(testName, fn) {
    return async (t) => {
      if (this.setupError) throw new Error(`the ${this.name} VS Code session did not start: ${this.setupError.message}`, { cause: this.setupError });
      try {
        await fn(t);
      } catch (e) {
        if (!this.failed) await this.diagnose(testName).catch((d) => console.error('diagnostics failed:', d));
        this.failed = true;
        e.message = this.redact(e.message);
        throw e;
      }
    };
  }

  async stop() {
    this.debug(`${this.name}: stopping`);
    await this.context?.close().catch(() => {});
    await this.server?.stop();
    this.debug(`${this.name}: stopped`);
    if (!this.keep) this.profile?.cleanup();
  }
}
