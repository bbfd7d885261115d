/**
 * Starts the production build through the real launcher (`scripts/serve.ts start`, as `npm start`
 * runs it) on a fresh data folder under the suite's data directory, with the given settings.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { startProcess } from '@/tests/support/processes';

import { securityDataDir } from './servers';

export const root = path.resolve(__dirname, '..', '..', '..');

/** The log file of the server started as `name`. */
export const logOf = (name: string) => path.join(root, securityDataDir, `${name}.log`);

export function startApp(name: string, env: Record<string, string>): ChildProcess {
  const dir = path.join(root, securityDataDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return startProcess(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/serve.ts', 'start'], {
    cwd: root,
    log: logOf(name),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DQX_LOG_LEVEL: 'warn',
      DQX_LOCAL_DATA_DIR: path.join(dir, 'data'),
      DQX_STATE_DIR: path.join(dir, 'state'),
      ...env,
    },
  });
}
