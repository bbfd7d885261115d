/**
 * Servers the out-of-process suites start (the app through scripts/serve.ts, stand-ins): each in a
 * process group of its own with its output in a log file, waited for until it answers, and stopped
 * with SIGTERM then SIGKILL after a grace period (a server whose event loop is blocked never
 * handles SIGTERM, and would keep eating the machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** Starts `command args` in `cwd`, its output (stdout and stderr) written to `log`. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; log: string; env: NodeJS.ProcessEnv },
): ChildProcess {
  const out = fs.openSync(options.log, 'w');
  return spawn(command, args, { cwd: options.cwd, detached: true, stdio: ['ignore', out, out], env: options.env });
}

/** Resolves once `url` answers 2xx; fails when the process exits first or `seconds` pass. */
export async function untilAnswers(
  url: string,
  child: ChildProcess,
  what: string,
  seconds: number,
  log: string,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} stopped (see ${log})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not start within ${seconds} s (see ${log})`);
}

/** SIGTERM to the process group, SIGKILL after `graceMs` if it is still there. */
export function stopProcess(child: ChildProcess | undefined, graceMs = 8_000): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  const group = -child.pid;
  return new Promise((resolve) => {
    const killer = setTimeout(() => {
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // gone
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      clearTimeout(killer);
      resolve();
    }
  });
}
