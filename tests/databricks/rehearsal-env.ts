/**
 * What the rehearsal's processes share: ports, users, the app's service principal, job ids, where
 * state and logs go. The secrets are fresh for every run (the log scan looks for them).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const appPort = Number(process.env.E2E_PORT ?? 3450);
/** The app in databricks mode, every binding given. */
export const appUrl = `http://127.0.0.1:${appPort}`;
/** A second instance of the same build with no warehouse and no jobs bound (readiness must say so). */
export const unboundUrl = `http://127.0.0.1:${appPort + 1}`;
export const sparkPort = appPort + 2;
/** The alert webhook's https receiver (webhook-receiver.ts), on this machine's outward address. */
export const webhookPort = appPort + 3;
export const dataDir = path.join(ROOT, process.env.REHEARSAL_DATA_DIR ?? '.data/rehearsal');
export const stateFile = path.join(dataDir, 'state.json');
export const appLog = path.join(dataDir, 'app.log');
export const unboundLog = path.join(dataDir, 'app-unbound.log');

export const CATALOG = 'main';
export const TABLES = {
  orders: 'main.sales.orders',
  customers: 'main.sales.customers', // row filter: region = 'EU'
  employees: 'main.hr.employees', // column mask on salary
  ledger: 'main.finance.ledger',
  payments: 'main.sales.payments', // alice's alone, nobody filters it: the scheduled check's table
} as const;

export interface Grant {
  schema: string;
  table: string;
  row_filter?: string;
  mask?: string[];
  /** The user owns the table (a steward of its rules: lib/services/rights.ts). */
  owner?: boolean;
}

export interface RehearsalState {
  workspaceUrl: string;
  /** The app's service principal, and so its Postgres role. */
  clientId: string;
  database: string;
  users: { alice: { email: string; token: string }; bob: { email: string; token: string } };
  secrets: string[];
  /** The https webhook the alerts may go to, and the file of what it received; null without an outward address. */
  webhook: { url: string; receivedFile: string } | null;
}

const secret = (what: string) => `rehearsal-${what}-${randomBytes(16).toString('hex')}`;

export function freshIdentities() {
  return {
    clientId: `6b3c1f0e-${randomBytes(4).toString('hex')}-4d5e-9a7b-rehearsalsp`,
    clientSecret: secret('client-secret'),
    alice: { name: 'Alice Analyst', email: 'alice@example.com', token: secret('alice-token') },
    bob: { name: 'Bob Builder', email: 'bob@example.com', token: secret('bob-token') },
  };
}

/**
 * Unity Catalog as the stand-in plays it: alice reads orders, customers (filtered), employees
 * (masked) and payments (hers alone); bob orders and the ledger.
 */
export const GRANTS: Record<'alice' | 'bob', Grant[]> = {
  alice: [
    { schema: 'sales', table: 'orders', owner: true },
    { schema: 'sales', table: 'customers', row_filter: "region = 'EU'", owner: true },
    { schema: 'hr', table: 'employees', mask: ['salary'], owner: true },
    { schema: 'sales', table: 'payments', owner: true },
  ],
  // bob reads orders (alice's): his saves there are proposals, and he cannot activate
  bob: [
    { schema: 'sales', table: 'orders' },
    { schema: 'finance', table: 'ledger', owner: true },
  ],
};

export function readState(): RehearsalState {
  return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as RehearsalState;
}
