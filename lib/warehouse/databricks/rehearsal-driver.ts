/**
 * The rehearsal's SQL warehouse, at the driver boundary (`npm run test:databricks`, docs/deployment.md
 * "Rehearsal"). In place of `@databricks/sql`, each statement, its named parameters and the caller's
 * token go over HTTP to a local stand-in (tests/databricks/spark_standin.py) that runs them on local
 * Spark as that user, with per-user grants, a row filter and a column mask. Everything above the
 * driver (sessions, pooling per token, statement building, type and error mapping) is the
 * production code.
 *
 * Only used when DQX_REHEARSAL_WAREHOUSE_URL is set, which the configuration refuses unless both it
 * and DATABRICKS_HOST are plain http on 127.0.0.1 or localhost: a deployment (an https workspace)
 * cannot turn it on by accident.
 */
import type { ClientFactory, DriverClient, DriverColumn, DriverOperation, DriverSession } from './driver';
import { TTYPE, type ThriftTypeEntry } from './types';

interface Answer {
  columns?: { name: string; type: string }[];
  rows?: Record<string, unknown>[];
  error?: string;
}

const PRIMITIVE: Record<string, number> = {
  boolean: TTYPE.BOOLEAN,
  tinyint: TTYPE.TINYINT,
  smallint: TTYPE.SMALLINT,
  int: TTYPE.INT,
  bigint: TTYPE.BIGINT,
  float: TTYPE.FLOAT,
  double: TTYPE.DOUBLE,
  string: TTYPE.STRING,
  timestamp: TTYPE.TIMESTAMP,
  binary: TTYPE.BINARY,
  date: TTYPE.DATE,
};

/** A Spark type string as the Thrift type entry the real driver reports (complex types as strings). */
function thriftType(type: string): ThriftTypeEntry[] {
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (decimal) {
    return [
      {
        primitiveEntry: {
          type: TTYPE.DECIMAL,
          typeQualifiers: { qualifiers: { precision: { i32Value: Number(decimal[1]) }, scale: { i32Value: Number(decimal[2]) } } },
        },
      },
    ];
  }
  return [{ primitiveEntry: { type: PRIMITIVE[type] ?? TTYPE.STRING } }];
}

function driverError(message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name: 'OperationStateError', ...extra });
}

export function rehearsalClientFactory(url: string): ClientFactory {
  const base = url.replace(/\/+$/, '');
  return () => {
    let token = '';
    const client: DriverClient = {
      async connect(options) {
        token = (options as { token?: string }).token ?? '';
        return client;
      },
      async openSession(): Promise<DriverSession> {
        return {
          async executeStatement(statement, options): Promise<DriverOperation> {
            let response: Response;
            try {
              response = await fetch(`${base}/sql`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
                body: JSON.stringify({ statement, params: options?.namedParameters ?? {} }),
              });
            } catch (error) {
              throw Object.assign(new Error(`ECONNREFUSED ${(error as Error).message}`), { name: 'FetchError' });
            }
            const answer = (await response.json()) as Answer;
            if (response.status === 401) throw Object.assign(new Error('Unauthorized'), { name: 'AuthenticationError', statusCode: 401 });
            if (!response.ok) throw driverError(answer.error ?? `HTTP ${response.status}`);
            const columns: DriverColumn[] = (answer.columns ?? []).map((c, i) => ({
              columnName: c.name,
              position: i + 1,
              typeDesc: { types: thriftType(c.type) },
            }));
            // as the driver with preserveBigNumericPrecision: BIGINT as bigint, DECIMAL as text
            const bigints = (answer.columns ?? []).filter((c) => c.type === 'bigint').map((c) => c.name);
            let rows = (answer.rows ?? []).map((row) => {
              for (const name of bigints) if (row[name] !== null && row[name] !== undefined) row[name] = BigInt(row[name] as string | number);
              return row;
            });
            return {
              async getSchema() {
                return { columns };
              },
              async fetchChunk(chunk) {
                const size = chunk?.maxRows ?? rows.length;
                const out = rows.slice(0, size);
                rows = rows.slice(size);
                return out;
              },
              async hasMoreRows() {
                return rows.length > 0;
              },
              async cancel() {
                return undefined;
              },
              async close() {
                return undefined;
              },
            };
          },
          async close() {
            return undefined;
          },
        };
      },
      async close() {
        return undefined;
      },
    };
    return client;
  };
}
