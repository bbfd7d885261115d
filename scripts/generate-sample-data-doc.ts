/** Writes docs/sample-data.md from the sample catalog's definition (`npm run docs:sample-data`). */
import fs from 'node:fs';
import path from 'node:path';

import { renderSampleDataDoc } from '../lib/warehouse/sample-catalog/doc';

const target = path.join(__dirname, '..', 'docs', 'sample-data.md');
fs.writeFileSync(target, renderSampleDataDoc());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
