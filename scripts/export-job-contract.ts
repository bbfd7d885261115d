/**
 * Writes the job contract (lib/jobs/contract.ts) as JSON Schema files into notebooks/contract/.
 * Run after changing the contract: `npm run jobs:contract`. A vitest fails while the committed
 * files differ from what this script would write.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { contractJsonSchemas, contractSchemaFileText } from '../lib/jobs/contract';

const dir = path.resolve(__dirname, '..', 'notebooks', 'contract');
mkdirSync(dir, { recursive: true });
for (const [file, schema] of Object.entries(contractJsonSchemas())) {
  writeFileSync(path.join(dir, file), contractSchemaFileText(schema));
  console.log(`wrote notebooks/contract/${file}`);
}
