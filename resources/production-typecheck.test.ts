/**
 * The production build type-checks with tsconfig.build.json (next.config.ts). The Databricks Apps
 * platform installs and builds the app on its own compute, where devDependencies may be missing: no
 * file that type check covers may import one (tests, benchmarks and test support are excluded).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

describe('the production type check', () => {
  it('covers no file that imports a devDependency', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const devOnly = Object.keys(pkg.devDependencies);
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const shown = JSON.parse(execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--showConfig'], { cwd: ROOT, encoding: 'utf8' })) as {
      files: string[];
    };
    expect(shown.files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of shown.files) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = match[1] ?? match[2] ?? '';
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (devOnly.includes(name)) offenders.push(`${file}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
    // What made it fail before: the catalog benchmark imports vitest.
    expect(shown.files.some((f) => f.endsWith('.bench.ts'))).toBe(false);
  });
});
