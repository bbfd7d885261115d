import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { SETTING_NAMES } from './index';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('configuration docs', () => {
  it.each(['README.md', 'docs/configuration.md'])('%s has a table row for every setting', (file) => {
    const text = read(file);
    const rows = new Set([...text.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]));
    const missing = SETTING_NAMES.filter((name) => !rows.has(name));
    expect(missing).toEqual([]);
  });

  it('documents no setting that does not exist', () => {
    const documented = [...read('docs/configuration.md').matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map(
      (m) => m[1],
    );
    const known = new Set<string>([...SETTING_NAMES, 'PORT']);
    expect(documented.filter((name) => !known.has(name!))).toEqual([]);
  });
});
