/**
 * A throw-away Postgres server for tests that need password authentication (`scram-sha-256` on
 * TCP), for when the shared test server trusts every local connection and so cannot show whether a
 * password was right. Started from the machine's Postgres binaries in a temporary folder, on a free
 * loopback port; `stop()` shuts it down and deletes the folder. As root, the server runs as the
 * `postgres` OS user (Postgres refuses to run as root).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PrivatePostgres {
  /** TCP on 127.0.0.1 (password required). */
  host: string;
  port: number;
  /** Superuser connection over the Unix socket (trusted), for setting up roles and databases. */
  adminUrl: string;
  stop(): void;
}

function binDir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {
    // fall through
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

/** Whether a private server can be started on this machine. */
export const canStartPrivatePostgres = (): boolean => binDir() !== undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  if (!bin) throw new Error('No Postgres binaries (initdb) on this machine');
  const asRoot = process.getuid?.() === 0;
  const run = (program: string, args: string[]) => {
    const file = path.join(bin, program);
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  };

  const base = mkdtempSync(path.join(os.tmpdir(), 'dqx-pg-'));
  const data = path.join(base, 'data');
  const socketDir = base;
  if (asRoot) execFileSync('chown', ['-R', 'postgres', base]);
  const port = await freePort();
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync']);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(base, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=30 -c shared_buffers=16MB`,
      'start',
    ]);
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    adminUrl: `postgres://postgres@/postgres?host=${encodeURIComponent(socketDir)}&port=${port}`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
