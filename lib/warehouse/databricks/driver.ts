/**
 * The part of `@databricks/sql` (DBSQLClient / IDBSQLSession / IOperation) the adapter uses, as
 * structural types, so tests can hand in a stand-in at the driver's connection-object level.
 */
import { DBSQLClient, LogLevel } from '@databricks/sql';
import type { ConnectionOptions, OpenSessionRequest } from '@databricks/sql/dist/contracts/IDBSQLClient';
import type IDBSQLLogger from '@databricks/sql/dist/contracts/IDBSQLLogger';

import { log } from '@/lib/log';

import type { ThriftTypeEntry } from './types';

export interface DriverColumn {
  columnName: string;
  position: number;
  comment?: string | null;
  typeDesc: { types: ThriftTypeEntry[] };
}

export interface DriverOperation {
  fetchChunk(options?: { maxRows?: number }): Promise<object[]>;
  hasMoreRows(): Promise<boolean>;
  getSchema(): Promise<{ columns: DriverColumn[] } | null>;
  cancel(): Promise<unknown>;
  close(): Promise<unknown>;
}

export interface ExecuteOptions {
  namedParameters?: Record<string, string>;
  runAsync?: boolean;
  maxRows?: number;
}

export interface DriverSession {
  executeStatement(statement: string, options?: ExecuteOptions): Promise<DriverOperation>;
  close(): Promise<unknown>;
}

export interface DriverClient {
  connect(options: ConnectionOptions): Promise<unknown>;
  openSession(request?: OpenSessionRequest): Promise<DriverSession>;
  close(): Promise<void>;
}

export type ClientFactory = (logger: IDBSQLLogger) => DriverClient;
export type { ConnectionOptions, OpenSessionRequest };

/**
 * The driver's own log lines go to our structured log at debug level (warnings and errors at
 * warn), through a scrubber that removes the caller's token should it ever appear.
 */
export function driverLogger(scrub: (text: string) => string): IDBSQLLogger {
  return {
    log(level: LogLevel, message: string) {
      const text = scrub(String(message));
      if (level === LogLevel.error || level === LogLevel.warn) log.warn('databricks sql driver', { driverMessage: text });
      else log.debug('databricks sql driver', { driverMessage: text });
    },
    getLevel: () => LogLevel.warn,
  };
}

export const defaultClientFactory: ClientFactory = (logger) => new DBSQLClient({ logger }) as unknown as DriverClient;
