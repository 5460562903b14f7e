import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live processes (other than this one) whose command line contains marker. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) pids.push(Number(name));
    } catch { /* gone */ }
  }
  return pids;
}
