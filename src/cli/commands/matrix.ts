/**
 * `mcp-secure matrix [--config FILE] --format text|json|junit`: runs the principal matrix.
 * Exit codes: 0 every cell as expected, 1 mismatches, 2 usage, config or harness error.
 */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import type { CliIo } from '../main';
import { loadMatrixFile } from '../../core/matrix/load';
import { matrixToJson, matrixToJUnit, matrixToText } from '../../core/matrix/report';

interface MatrixOptions {
  config: string;
  format: 'text' | 'json' | 'junit';
  concurrency?: number;
  timeout?: number;
  runDestructive?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got "${value}"`);
  return n;
}

export function registerMatrixCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): Command {
  return program
    .command('matrix')
    .description('Run the principal matrix: start the server, mint a token per principal (and hostile ones), call every tool as each, compare with mcp-matrix.json')
    .option('--config <file>', 'the matrix file', 'mcp-matrix.json')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'junit']).default('text'))
    .option('--concurrency <n>', 'principals run in parallel', positiveInt)
    .option('--timeout <ms>', 'per-call timeout in milliseconds', positiveInt)
    .option('--run-destructive', 'also run tools annotated destructiveHint that the matrix file does not name')
    .addHelpText('after', '\nExit codes: 0 all cells as expected, 1 mismatches, 2 error.')
    .action(async (opts: MatrixOptions) => {
      const file = path.resolve(io.cwd, opts.config);
      const { config, problems } = loadMatrixFile(file);
      for (const p of problems) io.stderr(`${path.relative(io.cwd, file) || file}:${p.line}:${p.column}: ${p.severity}: ${p.message}\n`);
      if (!config) {
        setExitCode(2);
        return;
      }
      if (opts.runDestructive) config.runDestructive = true;
      const controller = new AbortController();
      try {
        // The harness (MCP SDK client, jose, zod) is loaded only when a matrix runs: every other
        // command starts without initialising it.
        const { runMatrix } = require('../../core/matrix/run') as typeof import('../../core/matrix/run');
        const result = await runMatrix(config, {
          cwd: path.dirname(file),
          concurrency: opts.concurrency,
          callTimeoutMs: opts.timeout,
          signal: controller.signal,
          env: io.env,
        });
        const out = opts.format === 'json' ? JSON.stringify(matrixToJson(result), null, 2) + '\n' : opts.format === 'junit' ? matrixToJUnit(result) : matrixToText(result);
        io.stdout(out);
        if (opts.format !== 'text') io.stderr(`${result.summary.total} cells, ${result.summary.failed} mismatched\n`);
        setExitCode(result.summary.failed > 0 ? 1 : 0);
      } catch (err) {
        io.stderr(`mcp-secure matrix: ${(err as Error).message}\n`);
        setExitCode(2);
      }
    });
}
