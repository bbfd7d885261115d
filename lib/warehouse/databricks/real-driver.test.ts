/**
 * The adapter with the real @databricks/sql driver (no stand-in): connection options accepted by
 * the driver, and a warehouse that cannot be reached reported as 503 without the token anywhere.
 * Nothing listens on 127.0.0.1:443 here, so the driver's requests are refused at once; local TCP
 * servers stand for warehouses that reset the connection, do not speak TLS, or never answer.
 */
import net from 'node:net';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { UserToken } from '@/lib/auth/caller';
import { loadConfig } from '@/lib/config';
import { isAppError } from '@/lib/errors';

import { ConnectionPool } from './connections';
import { DatabricksWarehouse } from './databricks-warehouse';
import { defaultClientFactory, type ClientFactory } from './driver';

const TOKEN = 'real-driver-user-token-7d1e';
const pool = new ConnectionPool(60_000);
afterAll(() => pool.closeAll());

describe('DatabricksWarehouse with the real driver', () => {
  it('reports an unreachable warehouse as 503 and never writes the token', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((c) => (written.push(String(c)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((c) => (written.push(String(c)), true));
    try {
      const config = loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://127.0.0.1', DATABRICKS_WAREHOUSE_ID: 'abc123', DQX_LOG_LEVEL: 'debug' });
      const warehouse = new DatabricksWarehouse(
        { id: 'u', displayName: 'u', email: undefined, mode: 'databricks', requestId: undefined, token: new UserToken(TOKEN) },
        config,
        { pool },
      );
      const error = await warehouse.listCatalogs().catch((e: unknown) => e);
      expect(isAppError(error) && error.status, String(error)).toBe(503);
      expect(String((error as Error).message)).not.toContain(TOKEN);
      expect(written.join('')).not.toContain(TOKEN);
      // the operator's log says what the driver saw
      expect(written.join('')).toMatch(/warehouse statement failed.*(ECONNREFUSED|connect)/);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('transport errors reaching the warehouse are 503, not 500', () => {
  const caller = { id: 'u', displayName: 'u', email: undefined, mode: 'databricks' as const, requestId: undefined, token: new UserToken(TOKEN) };
  const config = loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://127.0.0.1', DATABRICKS_WAREHOUSE_ID: 'abc123', DQX_LOG_LEVEL: 'error' });

  /** The real driver, pointed at a local port (the driver takes the port as an option of its own). */
  const onPort =
    (port: number): ClientFactory =>
    (logger) => {
      const client = defaultClientFactory(logger);
      const connect = client.connect.bind(client);
      client.connect = (options) => connect({ ...options, port });
      return client;
    };

  async function against(onConnection: (socket: net.Socket) => void, reachTimeoutMs = 30_000) {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const own = new ConnectionPool(60_000);
    try {
      const warehouse = new DatabricksWarehouse(caller, config, { pool: own, clientFactory: onPort(port), reachTimeoutMs });
      return await warehouse.listCatalogs().then(
        () => null,
        (e: unknown) => e,
      );
    } finally {
      await own.closeAll();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it.each([
    ['resets the connection', (s: net.Socket) => s.destroy()],
    ['resets it after the request arrives', (s: net.Socket) => s.once('data', () => s.resetAndDestroy())],
    ['does not speak TLS', (s: net.Socket) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))],
  ])('a warehouse that %s', async (_what, onConnection) => {
    const error = await against(onConnection);
    expect(isAppError(error) && error.status, String(error)).toBe(503);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });

  it('a warehouse that never answers: 503 after the time to reach it, with Retry-After', async () => {
    const error = await against(() => undefined, 300);
    expect(isAppError(error) && error.status, String(error)).toBe(503);
    expect((error as Error).message).toMatch(/did not answer within/);
    expect(isAppError(error) && error.retryAfterSeconds).toBeGreaterThan(0);
  });
});
