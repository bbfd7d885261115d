/**
 * The adapter with the real @databricks/sql driver (no stand-in): connection options accepted by
 * the driver, and a warehouse that cannot be reached reported as 503 without the token anywhere.
 * Nothing listens on 127.0.0.1:443 here, so the driver's requests are refused at once.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';

import { UserToken } from '@/lib/auth/caller';
import { loadConfig } from '@/lib/config';
import { isAppError } from '@/lib/errors';

import { ConnectionPool } from './connections';
import { DatabricksWarehouse } from './databricks-warehouse';

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
