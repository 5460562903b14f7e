// End-to-end test: the packaged extension (dist/mcp-secure.vsix) in a real VS Code
// (code-server from the npm registry, under Node 24) driven by Debian's Chromium.
//
//   node --test test/e2e/vscode.e2e.test.mjs      (expects dist/mcp-secure.vsix; see test/e2e/run.mjs)
//
// Environment:
//   MCP_SECURE_VSIX=path   VSIX to test (default dist/mcp-secure.vsix)
//   E2E_RESULTS=dir        where screenshots go (default $MCP_SECURE_TEST_RESULTS or test-results/)
//   E2E_DEBUG=1            print timings and what the tree reader saw
//   E2E_KEEP=1             keep the temp user-data dirs (paths are printed)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findExtensionLogs, locateCodeServer, onCleanup, prepareWorkspaceCopy, repoRoot } from '../../scripts/lib/code-server.mjs';
import { Session } from './lib/session.mjs';
import { ProcessSampler, describeProcs, findSuspects, suspectPatterns } from './lib/processes.mjs';
import {
  MCP_CONTAINER,
  collapseAll,
  errorNotifications,
  launchChromium,
  openMcpSecureView,
  paletteEntries,
  readTree,
  runCommand,
  screenshot,
  treeLocator,
  treeToText,
  viewMessage,
  waitFor,
  widenSidebar,
} from './lib/workbench.mjs';

// A copy: VS Code itself rewrites some settings files it opens, and the checked-in demo must stay as it is.
const WORKSPACE = prepareWorkspaceCopy(
  path.join(repoRoot, 'examples', 'demo-workspace'),
  path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcps-e2e-ws-')), 'demo-workspace'),
);
const EXPECTED_FILE = path.join(repoRoot, 'test', 'fixtures', 'demo-expected-discovery.json');
const VSIX = path.resolve(process.env.MCP_SECURE_VSIX || path.join(repoRoot, 'dist', 'mcp-secure.vsix'));
const RESULTS = path.resolve(process.env.E2E_RESULTS || process.env.MCP_SECURE_TEST_RESULTS || path.join(repoRoot, 'test-results'));
const KEEP = process.env.E2E_KEEP === '1';
// The copy is removed on any exit (also Ctrl-C or a crash), unless E2E_KEEP=1.
const unregisterWorkspace = onCleanup(() => KEEP || fs.rmSync(path.dirname(WORKSPACE), { recursive: true, force: true }));
// Tall enough that the whole demo tree (~70 rows) is rendered: virtualized rows misread under load.
const VIEWPORT = { width: 1440, height: 2800 };
const DEBUG = process.env.E2E_DEBUG === '1';
const T0 = Date.now();
const debug = (msg) => DEBUG && console.log(`# [${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
if (DEBUG) process.on('exit', () => console.log(`# [${((Date.now() - T0) / 1000).toFixed(1)}s] exit`));

const COMMAND_TITLES = [
  'MCP Secure: Refresh Discovery',
  'MCP Secure: Show Log',
  'MCP Secure: Show Discovery Report (JSON)',
];
// A user-level config planted in the fake home directory the server runs with.
const PLANTED_USER_CONFIG = { rel: '.cursor/mcp.json', label: '~/.cursor/mcp.json', server: 'planted-user-server' };

// ---------------------------------------------------------------------------------------
// Expected tree, from the fixture the demo workspace ships with
// ---------------------------------------------------------------------------------------

function loadExpected() {
  const raw = JSON.parse(fs.readFileSync(EXPECTED_FILE, 'utf8'));
  const servers = raw.servers.map((s) => ({
    label: path.posix.basename(s.root.replace(/\\/g, '/')) || s.root,
    root: s.root,
    tools: s.tools.map((t) => t.name),
    files: [...new Set(s.tools.map((t) => t.file))],
  }));
  const configs = raw.configs.filter((c) => (c.scope ?? 'workspace') === 'workspace').map((c) => ({
    label: c.path,
    servers: c.servers.map((s) => s.name),
    commands: c.servers.map((s) => s.command).filter(Boolean),
  }));
  // What the CLI finds in the same copy is what the Findings node must show (the CLI and the
  // extension share one core; this checks the extension wires it up, not the detector).
  const scan = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'scan', WORKSPACE, '--format', 'json', '--no-git'], { encoding: 'utf8' });
  assert.ok(scan.status === 0 || scan.status === 1, `mcp-secure scan failed: ${scan.stderr}`);
  const byFile = {};
  for (const f of JSON.parse(scan.stdout).findings) byFile[f.file] = (byFile[f.file] ?? 0) + 1;
  const findings = { total: Object.values(byFile).reduce((a, b) => a + b, 0), byFile };
  return { servers, configs, findings };
}

/** Compares the read tree with what is expected; returns a list of differences (empty = ok). */
function diffTree(tree, expected, { userConfigs = [] } = {}) {
  const problems = [];
  const top = new Map(tree.map((n) => [n.label, n]));
  const want = ['Findings', 'Servers', 'Workspace configs', 'User configs', 'Keychain'];
  for (const w of want) if (!top.has(w)) problems.push(`top-level node "${w}" is missing (top level: ${JSON.stringify(tree.map((n) => n.label))})`);
  const checkCount = (node, n) => {
    if (node && /^\d+$/.test(node.description) && Number(node.description) !== n) {
      problems.push(`"${node.label}" says ${node.description} in its description, expected ${n}`);
    }
  };
  const sameSet = (what, actual, wanted) => {
    const a = new Set(actual);
    const missing = wanted.filter((x) => !a.has(x));
    const extra = actual.filter((x) => !wanted.includes(x));
    if (missing.length) problems.push(`${what}: missing ${JSON.stringify(missing)} (has ${JSON.stringify(actual)})`);
    if (extra.length) problems.push(`${what}: unexpected ${JSON.stringify(extra)}`);
  };

  // Findings: the same files and counts as `mcp-secure scan` reports for this workspace.
  const findingsNode = top.get('Findings');
  if (findingsNode && expected.findings) {
    checkCount(findingsNode, expected.findings.total);
    sameSet('Findings files', findingsNode.children.map((c) => `${c.label} ${c.description}`), Object.entries(expected.findings.byFile).map(([f, n]) => `${f} ${n}`));
  }

  const serversNode = top.get('Servers');
  if (serversNode) {
    checkCount(serversNode, expected.servers.length);
    sameSet('Servers', serversNode.children.map((c) => c.label), expected.servers.map((s) => s.label));
    for (const s of expected.servers) {
      const node = serversNode.children.find((c) => c.label === s.label);
      if (node) sameSet(`tools of server "${s.label}"`, node.children.map((c) => c.label), s.tools);
    }
  }
  const wsNode = top.get('Workspace configs');
  if (wsNode) {
    checkCount(wsNode, expected.configs.length);
    sameSet('Workspace configs', wsNode.children.map((c) => c.label), expected.configs.map((c) => c.label));
    for (const c of expected.configs) {
      const node = wsNode.children.find((x) => x.label === c.label);
      if (node) sameSet(`servers of config "${c.label}"`, node.children.map((x) => x.label), c.servers);
    }
  }
  const userNode = top.get('User configs');
  if (userNode) {
    for (const u of userConfigs) {
      const node = userNode.children.find((x) => x.label === u.label || x.label.endsWith(u.rel) || x.description.includes(u.rel));
      if (!node) problems.push(`User configs: "${u.label}" is missing (has ${JSON.stringify(userNode.children.map((x) => x.label))})`);
      else sameSet(`servers of user config "${u.label}"`, node.children.map((x) => x.label), [u.server]);
    }
  }
  return problems;
}

/**
 * Known, open bug (see the session notes): VS Code sometimes renders a server's tools as the
 * children of "Workspace configs". Exactly that symptom is reported as todo (not a pass);
 * any other difference fails the test.
 */
function markKnownTreeMixup(t, problems, expected) {
  const tools = new Set(expected.servers.flatMap((s) => s.tools));
  const unexpected = problems.find((p) => p.startsWith('Workspace configs: unexpected '));
  const names = unexpected ? JSON.parse(unexpected.slice('Workspace configs: unexpected '.length)) : [];
  const onlyMixup = problems.every((p) => /^(Workspace configs: (missing|unexpected) |User configs: )/.test(p));
  if (onlyMixup && names.length > 0 && names.every((n) => tools.has(n))) {
    t.todo('known VS Code tree rendering mix-up: a server\'s tools shown under "Workspace configs"');
  }
}

/** Reads the tree until it matches (discovery may still be running) or the time is up. */
async function readTreeUntilExpected(page, expected, opts, timeout = 45_000) {
  const deadline = Date.now() + timeout;
  let tree = [];
  let problems = ['tree not read yet'];
  let attempt = 0;
  while (Date.now() < deadline) {
    const t0 = Date.now();
    tree = await readTree(page, { maxExpandLevel: 2, timeout: Math.max(5000, deadline - Date.now()) });
    problems = diffTree(tree, expected, opts);
    debug(`tree read #${++attempt} in ${Date.now() - t0} ms: ${problems.length ? problems.join('; ') : 'as expected'}`);
    if (problems.length === 0) return { tree, problems };
    // Known, open: VS Code sometimes renders one expanded node's children under another after
    // the extension's refresh (seen with ~70 rows). Collapsing makes it fetch them again; the
    // data must then be right, or the test fails.
    if (attempt % 2 === 1) {
      console.log(`# tree read #${attempt} differed (${problems[0]}); collapsing to make VS Code fetch the children again`);
      await collapseAll(page).catch(() => {});
    }
    await page.waitForTimeout(1000);
  }
  return { tree, problems };
}

// ---------------------------------------------------------------------------------------
// One VS Code session (profile + code-server + page)
// ---------------------------------------------------------------------------------------

/** Plants a user-level config in the fake home the server runs with. */
function plantUserConfig(home) {
  const cfg = path.join(home, PLANTED_USER_CONFIG.rel);
  fs.mkdirSync(path.dirname(cfg), { recursive: true });
  fs.writeFileSync(
    cfg,
    JSON.stringify({ mcpServers: { [PLANTED_USER_CONFIG.server]: { command: 'npx', args: ['-y', '@example/planted-mcp-server'] } } }, null, 2),
  );
}

/** A session of lib/session.mjs (profile, VSIX, code-server with a fake home, page, diagnostics). */
function newSession(name, trusted) {
  return new Session({
    name,
    workspace: WORKSPACE,
    vsix: VSIX,
    results: RESULTS,
    trusted,
    keep: KEEP,
    viewport: VIEWPORT,
    debug,
    settings: { 'git.enabled': false, 'git.autoRepositoryDetection': false, 'extensions.autoUpdate': false },
    prepareHome: plantUserConfig,
  });
}

/** Set when the shared setup (VSIX, fixture, code-server, Chromium) failed: every test rethrows it. */
let globalSetupError = null;

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

describe('MCP Secure in a real VS Code (code-server + Chromium)', { timeout: 240_000 }, () => {
  let chromium;
  let expected;

  // Setup errors are recorded and rethrown by every test (node 20 reports a failing
  // before() hook as cancelled tests, which a summary could miss).
  before(async () => {
    try {
      assert.ok(
        fs.existsSync(VSIX),
        `${VSIX} does not exist. Build it first: \`npm run package\` (npm run test:e2e does this).`,
      );
      assert.ok(fs.existsSync(EXPECTED_FILE), `missing fixture ${EXPECTED_FILE}`);
      expected = loadExpected();
      locateCodeServer(); // a clear message when `npm run setup` was not run
      debug('launching chromium');
      chromium = await launchChromium();
      debug('chromium up');
      fs.mkdirSync(RESULTS, { recursive: true });
    } catch (e) {
      globalSetupError = e;
    }
  });

  after(async () => {
    debug('closing chromium');
    await chromium?.close();
    debug('chromium closed');
    if (!KEEP) fs.rmSync(path.dirname(WORKSPACE), { recursive: true, force: true });
    else console.log(`# workspace copy kept in ${WORKSPACE}`);
    unregisterWorkspace();
  });

  describe('trusted workspace', () => {
    const s = newSession('trusted', true);
    before(async () => {
      if (globalSetupError) return void (s.setupError = globalSetupError);
      try {
        await s.start(chromium);
      } catch (e) {
        s.setupError = e;
        await s.diagnose('start').catch(() => {});
      }
    });
    after(async () => {
      await s.stop();
    });

    it(
      'activates on opening the workspace and shows the MCP Secure view',
      { timeout: 60_000 },
      s.step('activation', async () => {
        assert.equal(
          await s.page.locator('.statusbar-item[aria-label^="Restricted Mode"]').count(),
          0,
          'a trusted run must not be in Restricted Mode (security.workspace.trust.enabled: false)',
        );
        // Before the view is shown: a workspaceContains activation event must fire.
        const event = await s.waitForActivation();
        assert.match(event, /^workspaceContains:/, `activated by ${event}, expected a workspaceContains: event (before the view was opened)`);
        await openMcpSecureView(s.page);
        await waitFor(async () => (await treeLocator(s.page).locator('.monaco-list-row').count()) > 0, {
          timeout: 40_000,
          message: async () => `rows in the MCP Secure tree; view shows: "${await viewMessage(s.page)}"`,
        });
        assert.deepEqual(s.activationErrors(), [], 'the extension host log reports errors for mcp-secure');
      }),
    );

    it(
      'lists the demo workspace servers, tools and configs',
      { timeout: 90_000 },
      s.step('tree', async (t) => {
        await openMcpSecureView(s.page);
        await widenSidebar(s.page, 520);
        const { tree, problems } = await readTreeUntilExpected(s.page, expected, { userConfigs: [PLANTED_USER_CONFIG] });
        if (problems.length) {
          markKnownTreeMixup(t, problems, expected);
          assert.fail(`The MCP Secure tree differs from ${path.relative(repoRoot, EXPECTED_FILE)}:\n- ${problems.join('\n- ')}\n\nTree as shown:\n${treeToText(tree)}`);
        }
        // A readable picture: Servers and their tools, and the first configs.
        await s.page.locator(`${MCP_CONTAINER} .monaco-list-row[aria-level="1"]`).first().scrollIntoViewIfNeeded();
        await treeLocator(s.page).focus();
        await s.page.keyboard.press('Home');
        await screenshot(s.page, 'e2e-trusted-tree.png', RESULTS);
      }),
    );

    it(
      "never writes a secret's value to its log",
      { timeout: 30_000 },
      s.step('log', async () => {
        // The values themselves, sliced from the files at the ranges the scan reports.
        const scan = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'scan', WORKSPACE, '--format', 'json', '--no-git'], { encoding: 'utf8' });
        const values = JSON.parse(scan.stdout).findings.map((f) => {
          const lines = fs.readFileSync(path.join(WORKSPACE, f.file), 'utf8').split(/\r?\n/);
          return f.line === f.endLine ? lines[f.line - 1].slice(f.column - 1, f.endColumn - 1) : '';
        }).filter((v) => v.length >= 8);
        assert.ok(values.length >= 15, `expected the demo's secrets, got ${values.length}`);
        await runCommand(s.page, 'MCP Secure: Refresh Discovery');
        const logs = findExtensionLogs(s.profile).mcpSecure;
        assert.ok(logs.length > 0, 'the MCP Secure log file exists');
        const text = logs.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
        assert.match(text, /Scan: \d+ finding/, 'the log records the scan');
        const leaked = values.filter((v) => text.includes(v) || text.includes(v.slice(4, 12)));
        assert.equal(leaked.length, 0, `${leaked.length} secret value(s) (or 8-char pieces) appear in the extension log`);
      }),
    );

    it(
      'lists its commands in the command palette',
      { timeout: 30_000 },
      s.step('palette', async () => {
        const labels = await paletteEntries(s.page, 'MCP Secure', { expect: COMMAND_TITLES });
        await screenshot(s.page, 'e2e-command-palette.png', RESULTS);
        await s.page.keyboard.press('Escape');
        for (const title of COMMAND_TITLES) {
          assert.ok(labels.some((l) => l.startsWith(title)), `"${title}" is not in the command palette; it shows ${JSON.stringify(labels)}`);
        }
        assert.ok(
          !labels.some((l) => l.startsWith('MCP Secure: Open Source Location')),
          'mcpSecure.openLocation is hidden from the palette (when: false) but appears',
        );
        // Commands run without an error notification.
        await runCommand(s.page, 'MCP Secure: Refresh Discovery');
        await runCommand(s.page, 'MCP Secure: Show Log');
        await waitFor(async () => (await s.page.locator('.part.panel').isVisible()) || null, {
          timeout: 10_000,
          message: 'the panel with the MCP Secure log after "MCP Secure: Show Log"',
        });
        await s.page.waitForTimeout(500); // an error toast of a failing command
        assert.deepEqual(await errorNotifications(s.page), [], 'error notifications after running MCP Secure commands');
      }),
    );

    it(
      'control: the process check sees a server started under code-server',
      { timeout: 40_000 },
      s.step('process-control', async () => {
        // Start a fake "notes-server" from VS Code's integrated terminal (a descendant of
        // code-server, like anything the extension would start). The same detector the
        // untrusted test relies on must report it; otherwise that test proves nothing.
        const sampler = new ProcessSampler(s.server.pid, { envMarker: s.server.envMarker }).start();
        sampler.mark('baseline');
        await runCommand(s.page, 'Terminal: Create New Terminal');
        await s.page.locator('.terminal-wrapper .xterm-helper-textarea, .terminal .xterm-helper-textarea').first().waitFor({ state: 'attached', timeout: 20_000 });
        const canaryArg = `${expected.servers[0]?.root ?? 'notes-server'}/canary-entry.js`;
        const patterns = suspectPatterns(patternInput(expected));
        await s.page.waitForTimeout(500); // shell prompt
        await s.page.keyboard.type(`sh -c 'sleep 30; true' ${canaryArg}\n`);
        const found = await waitFor(
          () => {
            sampler.sample();
            return findSuspects(sampler.since('baseline'), patterns, { workspace: WORKSPACE }).find((x) => x.proc.cmdline.includes(canaryArg));
          },
          { timeout: 15_000, message: `the canary process (${canaryArg}) among code-server's descendants` },
        );
        sampler.stop();
        assert.ok(found.reasons.length > 0);
        try {
          process.kill(found.proc.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }),
    );
  });

  describe('untrusted workspace (Restricted Mode)', () => {
    const s = newSession('untrusted', false);
    let sampler;
    before(async () => {
      if (globalSetupError) return void (s.setupError = globalSetupError);
      try {
        await s.start(chromium, {
          beforeBrowser: async (server) => {
            // Before any window connects there is no extension host: this is the baseline.
            // Processes that leave the tree still carry the server's environment marker.
            sampler = new ProcessSampler(server.pid, { intervalMs: 100, envMarker: server.envMarker }).start();
            sampler.mark('baseline');
          },
        });
      } catch (e) {
        s.setupError = e;
        await s.diagnose('start').catch(() => {});
      }
    });
    after(async () => {
      sampler?.stop();
      await s.stop();
    });

    it(
      'opens the demo workspace in Restricted Mode',
      { timeout: 30_000 },
      s.step('restricted-mode', async () => {
        const indicator = s.page.locator('.statusbar-item[aria-label^="Restricted Mode"]');
        await indicator.first().waitFor({ state: 'visible', timeout: 20_000 }).catch(() => {});
        assert.ok(
          (await indicator.count()) > 0,
          'no "Restricted Mode" status bar item: the workspace should be untrusted (Workspace Trust left on)',
        );
        const banner = await s.page.locator('.part.banner').getAttribute('aria-label').catch(() => null);
        assert.match(banner ?? '', /Restricted Mode/, 'the Restricted Mode banner is not shown');
        // Limited untrusted support: the extension still activates in Restricted Mode.
        const event = await s.waitForActivation();
        assert.match(event, /^workspaceContains:/, `activated by ${event}, expected a workspaceContains: event`);
      }),
    );

    it(
      'still shows the discovered servers and configs (static analysis only)',
      { timeout: 90_000 },
      s.step('tree', async (t) => {
        await openMcpSecureView(s.page);
        await widenSidebar(s.page, 520);
        const { tree, problems } = await readTreeUntilExpected(s.page, expected, { userConfigs: [PLANTED_USER_CONFIG] });
        if (problems.length) {
          markKnownTreeMixup(t, problems, expected);
          assert.fail(`In Restricted Mode the MCP Secure tree differs from the fixture:\n- ${problems.join('\n- ')}\n\nTree as shown:\n${treeToText(tree)}`);
        }
        await treeLocator(s.page).focus();
        await s.page.keyboard.press('Home');
        debug(`untrusted view message: ${await viewMessage(s.page)}`);
        await screenshot(s.page, 'e2e-untrusted.png', RESULTS);
        assert.deepEqual(s.activationErrors(), [], 'the extension host log reports errors for mcp-secure');
      }),
    );

    it(
      'runs every MCP Secure command and starts no MCP server, launcher or harness process',
      { timeout: 90_000 },
      s.step('no-processes', async () => {
        // Every "MCP Secure: ..." command the palette offers in Restricted Mode (today
        // Refresh / Show Log / Show Discovery Report; later ones such as a principal matrix
        // run are covered automatically). Prompts they open are dismissed.
        const titles = (await paletteEntries(s.page, 'MCP Secure:', { expect: ['MCP Secure: Refresh Discovery'] }))
          .map((l) => l.replace(/,\s*[^,]*(Ctrl|Control|Shift|Alt|Meta|Cmd)\+.*$/, '').trim())
          .filter((l) => l.startsWith('MCP Secure:'));
        await s.page.keyboard.press('Escape');
        assert.ok(titles.length >= COMMAND_TITLES.length, `expected the MCP Secure commands in the palette, got ${JSON.stringify(titles)}`);
        const failures = [];
        for (const title of titles) {
          // Errors are collected (not thrown) so every command still runs.
          const dialog = await runCommand(s.page, title, { failOnError: false, settleMs: 700 });
          if (dialog?.error) failures.push(`${title}: ${dialog.text.trim()}`);
          await s.page.keyboard.press('Escape'); // a quick pick or input box the command opened
          await s.page.keyboard.press('Escape');
        }
        debug(`ran in Restricted Mode: ${titles.join(' | ')}`);
        const notifications = await errorNotifications(s.page);
        // Give anything the extension might start after discovery or these commands time to appear.
        await s.page.waitForTimeout(3000);
        sampler.stop();
        const fresh = sampler.since('baseline');
        // Sanity: the sampler watched the right tree (the extension host started after the baseline).
        assert.ok(
          fresh.some((p) => p.cmdlines.some((c) => /--type=extensionHost/.test(c))),
          `the sampler never saw the extension host start under code-server (pid ${s.server.pid}); saw:\n${describeProcs(fresh)}`,
        );
        const suspects = findSuspects(fresh, suspectPatterns(patternInput(expected)), { workspace: WORKSPACE });
        assert.deepEqual(
          suspects.map((x) => `pid ${x.proc.pid}: ${x.proc.cmdline} (${x.reasons.join('; ')})`),
          [],
          `processes started in an untrusted workspace (${sampler.samples} samples). All new processes:\n${describeProcs(fresh)}`,
        );
        assert.deepEqual(failures, [], 'MCP Secure commands failed in Restricted Mode');
        assert.deepEqual(notifications, [], 'error notifications after running the MCP Secure commands in Restricted Mode');
      }),
    );
  });
});

/** What identifies the demo workspace's servers in a command line. */
function patternInput(expected) {
  const entryPoints = new Set();
  for (const s of expected.servers) for (const f of s.files) entryPoints.add(f);
  // Source entry points of each server project (stdio.ts, http.ts, server.py, main.go ...).
  for (const s of expected.servers) {
    const dir = path.join(WORKSPACE, s.root);
    const walk = (d, depth) => {
      if (depth > 2) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        if (e.isDirectory()) walk(path.join(d, e.name), depth + 1);
        else if (/\.(ts|js|mjs|py|go)$/.test(e.name)) entryPoints.add(path.relative(WORKSPACE, path.join(d, e.name)));
      }
    };
    if (fs.existsSync(dir)) walk(dir, 0);
  }
  return {
    workspace: WORKSPACE,
    serverRoots: expected.servers.map((s) => s.root),
    entryPoints: [...entryPoints],
    commands: expected.configs.flatMap((c) => c.commands),
  };
}
