// Installs pinned npm packages into a bench folder once; later runs reuse it while the pinned
// set is unchanged (a marker file holds the spec).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './timing.mjs';

/** The environment without `npm run`'s npm_* variables: a clean install of just these packages. */
export const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

/** Returns true when it installed, false when the folder already held this exact set. */
export function ensureInstall(dir, dependencies, what, log, { preferOffline = false } = {}) {
  const spec = JSON.stringify({ dependencies, v: 1 });
  const marker = join(dir, '.bench-installed.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === spec) return false;
  log(`Installing ${what} from the npm registry into ${dir} (one-time; cached for later runs) …`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-corpus', private: true, dependencies }, null, 2));
  const started = Date.now();
  const flags = ['--no-audit', '--no-fund', '--ignore-scripts', ...(preferOffline ? ['--prefer-offline'] : []), '--loglevel=error'];
  exec('npm', ['install', ...flags], { cwd: dir, env: cleanEnv() });
  log(`  installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  writeFileSync(marker, spec);
  return true;
}
