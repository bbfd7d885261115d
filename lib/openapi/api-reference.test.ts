import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { openApiDocument } from './document';
import { renderApiReference } from './markdown';

describe('docs/api-reference.md', () => {
  it('is the rendering of the current OpenAPI document (run `npm run docs:api` after changing the API)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'api-reference.md'), 'utf8');
    expect(committed).toBe(renderApiReference(openApiDocument()));
  });

  it('lists every operation and every schema', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    const text = renderApiReference(doc as never);
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) expect(text).toContain(`### \`${method.toUpperCase()} ${p}\``);
    }
    for (const name of Object.keys(doc.components.schemas)) expect(text).toContain(`### ${name}\n`);
  });
});
