export { createDatabricksWarehouse, DatabricksWarehouse, bareHost, type DatabricksWarehouseDeps } from './databricks-warehouse';
export { ConnectionPool } from './connections';
export type { WarehouseErrorDetails } from './errors';
export type { ClientFactory, DriverClient, DriverOperation, DriverSession } from './driver';
