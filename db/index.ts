/** The rule store: the only code that talks to Postgres. */
export { getStore, closeStore, storeKind } from './store';
export { storeHealth, type StoreHealth } from './health';
export { openStore, type Store, type StoreOptions } from './client';
export { migrateStore, pendingMigrations, MigrationError } from './migrate';
export type * from './types';
export { isUniqueViolation, isForeignKeyViolation } from './errors';
