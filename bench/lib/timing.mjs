// Process timing shared by the bench scripts: wall time, and CPU time (user + sys) from GNU
// time when it is installed; medians over repeated runs after a warm-up.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const CPU_MARK = '__bench_cpu';

export function exec(cmd, args, { cwd, ok = [0], env } = {}) {
  const [file, argv] = GNU_TIME ? [GNU_TIME, ['-f', `${CPU_MARK} %U %S`, cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd, env, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error) throw r.error;
  if (!ok.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout || '').slice(0, 800)}`);
  const cpu = new RegExp(`${CPU_MARK} ([\\d.]+) ([\\d.]+)`).exec(r.stderr ?? '');
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, stdout: r.stdout, stderr: r.stderr };
}

export const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** One warm-up run (its output is returned as `warm`), then `times` timed runs. */
export function timeMedian(cmd, args, times, options) {
  const warm = exec(cmd, args, options);
  const samples = [];
  const cpu = [];
  let last = warm;
  for (let i = 0; i < times; i++) {
    last = exec(cmd, args, options);
    samples.push(last.ms);
    cpu.push(last.cpuMs);
  }
  return { ms: median(samples), cpuMs: median(cpu), samples, stdout: last.stdout, warm };
}
