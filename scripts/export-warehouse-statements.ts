/**
 * Writes lib/warehouse/databricks/statements.json: one sample of every statement the Databricks
 * warehouse adapter can send, with ordinary and hostile names. notebooks/tests/test_warehouse_statements.py
 * executes them on local Spark to prove they are valid Spark SQL and that names and values cannot
 * break out of their quoting. Run `npm run warehouse:statements` after changing statements.ts;
 * a vitest fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { statementSamples } from '../lib/warehouse/databricks/statement-samples';

const file = path.resolve(__dirname, '..', 'lib', 'warehouse', 'databricks', 'statements.json');
writeFileSync(file, JSON.stringify(statementSamples(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), file)}`);
