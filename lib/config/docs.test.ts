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

describe('documentation pages', () => {
  const pages = fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md') && f !== 'index.md')
    .sort();

  it('every page is listed in docs/index.md, the MkDocs navigation and the README', () => {
    const index = read('docs/index.md');
    const nav = read('mkdocs.yml');
    const readme = read('README.md');
    expect(pages.filter((p) => !index.includes(`](${p})`))).toEqual([]);
    expect(pages.filter((p) => !new RegExp(`^\\s+- [^:]+: ${p.replace('.', '\\.')}$`, 'm').test(nav))).toEqual([]);
    expect(pages.filter((p) => !readme.includes(`](docs/${p})`))).toEqual([]);
  });

  it('every relative link in the docs points to a file that exists', () => {
    const broken: string[] = [];
    for (const file of ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]) {
      const dir = path.dirname(path.join(root, file));
      for (const m of read(file).replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        if (!fs.existsSync(path.join(dir, target))) broken.push(`${file} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
