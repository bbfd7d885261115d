/**
 * One driver connection (DBSQLClient) per caller token, as the driver's maintainers advise for
 * per-user credentials: reused while the same token keeps calling, closed after it has been idle
 * for a while, and never shared between two tokens. The key is a hash of the token, so the token
 * itself is not kept as a map key.
 */
import { createHash } from 'node:crypto';

import { log } from '@/lib/log';

import type { DriverClient } from './driver';

interface Entry {
  client: Promise<DriverClient>;
  timer: NodeJS.Timeout | undefined;
}

export class ConnectionPool {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly idleMs: number) {}

  static key(host: string, path: string, token: string): string {
    return createHash('sha256').update(`${host}\u0000${path}\u0000${token}`).digest('hex');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The connected client for this key, connecting with `connect` the first time. */
  async acquire(key: string, connect: () => Promise<DriverClient>): Promise<DriverClient> {
    let entry = this.entries.get(key);
    if (!entry) {
      const client = connect();
      entry = { client, timer: undefined };
      this.entries.set(key, entry);
      client.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    this.touch(key, entry);
    return entry.client;
  }

  private touch(key: string, entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void this.evict(key), this.idleMs);
    entry.timer.unref?.();
  }

  /** Closes and forgets the connection of this key (idle, or its token was refused). */
  async evict(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    if (entry.timer) clearTimeout(entry.timer);
    try {
      await (await entry.client).close();
    } catch (error) {
      log.debug('closing a warehouse connection failed', { error: (error as Error)?.name });
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((key) => this.evict(key)));
  }
}
