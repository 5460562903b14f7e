/**
 * The description of this machine that discovery takes as input. The only place in the
 * core that reads the process environment, so everything else can be tested with any OS.
 */
import * as os from 'node:os';
import type { DiscoveryEnv } from './clients';

export function currentMachineEnv(env: NodeJS.ProcessEnv = process.env): DiscoveryEnv {
  const platform = process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux';
  return { platform, home: env.HOME ?? env.USERPROFILE ?? os.homedir(), env: { ...env } };
}
