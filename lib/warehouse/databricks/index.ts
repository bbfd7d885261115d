export { createDatabricksWarehouse, DatabricksWarehouse, bareHost, type DatabricksWarehouseDeps } from './databricks-warehouse';
export { ConnectionPool } from './connections';
export { WarehouseQueryError } from './errors';
export type { ClientFactory, DriverClient, DriverOperation, DriverSession } from './driver';
