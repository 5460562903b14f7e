// Bundles the extension, the CLI and the launcher (dist/launcher.js) with esbuild.
//   node scripts/build.mjs               development build (sourcemaps)
//   node scripts/build.mjs --production  minified, what `npm run package` ships
//   node scripts/build.mjs --watch       rebuild on change
// Native and data files that cannot be bundled are copied next to the bundles:
//   dist/wasm/*.wasm                     tree-sitter runtime and grammars
//   dist/node_modules/keytar/            keytar's JS and its native binary for this platform
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = join(root, 'dist');

const GRAMMARS = ['tree-sitter.wasm', 'tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm',
  'tree-sitter-javascript.wasm', 'tree-sitter-python.wasm', 'tree-sitter-go.wasm'];

function copyRuntimeFiles() {
  const wasmSrc = dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm'));
  mkdirSync(join(dist, 'wasm'), { recursive: true });
  for (const file of GRAMMARS) cpSync(join(wasmSrc, file), join(dist, 'wasm', file));

  // keytar is a native addon: ship its loader and the binary built for this platform.
  const keytarDir = dirname(require.resolve('keytar/package.json'));
  const binary = join(keytarDir, 'build', 'Release', 'keytar.node');
  if (!existsSync(binary)) {
    throw new Error(`keytar's native binary is missing (${binary}). Install libsecret-1-dev and pkg-config, then run "npm rebuild keytar".`);
  }
  const out = join(dist, 'node_modules', 'keytar');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'build', 'Release'), { recursive: true });
  cpSync(join(keytarDir, 'package.json'), join(out, 'package.json'));
  cpSync(join(keytarDir, 'lib'), join(out, 'lib'), { recursive: true });
  cpSync(join(keytarDir, 'LICENSE.md'), join(out, 'LICENSE.md'));
  cpSync(binary, join(out, 'build', 'Release', 'keytar.node'));
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's UMD "main" hides its internal requires from the bundler; use its ESM build.
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  // keytar is native (copied above); vscode is provided by the editor.
  external: ['vscode', 'keytar'],
  define: { __MCP_SECURE_VERSION__: JSON.stringify(require(join(root, 'package.json')).version) },
};

/** Resolves the CLI's `require('../../core/matrix/run')` to the separate bundle dist/matrix.js. */
const harnessFromMatrixBundle = {
  name: 'harness-from-matrix-bundle',
  setup(build) {
    build.onResolve({ filter: /\/core\/matrix\/run$/ }, (args) => (args.kind === 'require-call' ? { path: './matrix.js', external: true } : undefined));
  },
};

const entries = [
  // The principal-matrix harness, required by the extension only when a matrix runs.
  { entryPoints: [join(root, 'src/core/matrix/run.ts')], outfile: join(dist, 'matrix.js') },
  { entryPoints: [join(root, 'src/extension/main.ts')], outfile: join(dist, 'extension.js') },
  {
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile: join(dist, 'cli.js'),
    banner: { js: '#!/usr/bin/env node' },
    // `matrix` loads the harness from dist/matrix.js when it runs (the source's require of
    // core/matrix/run): the other commands neither parse nor initialise the MCP client.
    plugins: [harnessFromMatrixBundle],
  },
  // The installed launcher (`mcp-secure launcher install` copies it to a stable path): only
  // `run` and `keychain`, so an MCP server starts without loading the scanners.
  { entryPoints: [join(root, 'src/cli/launcher.ts')], outfile: join(dist, 'launcher.js') },
];

const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log(`[watch] build finished ${new Date().toLocaleTimeString()}`);
    });
  },
};

mkdirSync(dist, { recursive: true });
copyRuntimeFiles();
if (watch) {
  for (const entry of entries) {
    const ctx = await esbuild.context({ ...common, ...entry, plugins: [problemMatcher] });
    await ctx.watch();
  }
  console.log('[watch] watching src/ for changes');
} else {
  const started = Date.now();
  await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
  chmodSync(join(dist, 'cli.js'), 0o755);
  console.log(`built dist/extension.js, cli.js, launcher.js and matrix.js in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
