/** Writes docs/api-reference.md from the OpenAPI document (`npm run docs:api`). */
import fs from 'node:fs';
import path from 'node:path';

import { openApiDocument } from '../lib/openapi/document';
import { renderApiReference } from '../lib/openapi/markdown';

const target = path.join(__dirname, '..', 'docs', 'api-reference.md');
fs.writeFileSync(target, renderApiReference(openApiDocument()));
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
