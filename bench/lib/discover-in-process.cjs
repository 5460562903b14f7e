// Times discover() (and the walk alone) inside one warm process, as the extension runs it.
// Uses the bundled CLI's core through a small esbuild bundle of the core entry points.
const { buildSync } = require('esbuild');
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const out = path.join(os.tmpdir(), `mcps-bench-core-${process.pid}.js`);
const dist = path.resolve(__dirname, '../../dist');
buildSync({
  stdin: { contents: "export { discover } from './src/core/discovery/discover'; export { walkTree } from './src/core/discovery/walk';", resolveDir: path.resolve(__dirname, '../..'), loader: 'ts' },
  bundle: true, platform: 'node', format: 'cjs', outfile: out, mainFields: ['module', 'main'], logLevel: 'error',
});
// The core looks for its grammars next to the bundle.
fs.mkdirSync(path.join(path.dirname(out), 'wasm'), { recursive: true });
for (const f of fs.readdirSync(path.join(dist, 'wasm'))) fs.copyFileSync(path.join(dist, 'wasm', f), path.join(path.dirname(out), 'wasm', f));
const { discover, walkTree } = require(out);
const [root, timesArg] = process.argv.slice(2);
const times = Number(timesArg ?? 5);
(async () => {
  await discover({ root }); // warm-up: wasm compile, file cache
  const totals = [];
  const walks = [];
  for (let i = 0; i < times; i++) {
    let t = performance.now();
    await walkTree(root);
    walks.push(performance.now() - t);
    t = performance.now();
    await discover({ root });
    totals.push(performance.now() - t);
  }
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  fs.rmSync(out, { force: true });
  process.stdout.write(JSON.stringify({ medianMs: median(totals), walkMs: median(walks) }));
})();
