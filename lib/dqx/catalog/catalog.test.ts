import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { compileApplyChecks, compileValidation } from '../compile/compiler';
import type { DqxCheck, TableSchema } from '../model';
import { validateChecks } from '../validate';
import { CHECKS, getCheck, listChecks } from './index';

const FAMILY_TYPE: Record<string, string> = {
  string: 'string',
  numeric: 'double',
  date: 'date',
  timestamp: 'timestamp',
  array: 'array<string>',
  boolean: 'boolean',
  any: 'string',
};

/** A table with the columns an example refers to, typed for the check. */
function tableFor(check: DqxCheck): TableSchema {
  const def = getCheck(check.check.function)!;
  const columns = new Map<string, string>();
  for (const p of def.params) {
    if (!p.refersToColumn) continue;
    const value = check.check.arguments?.[p.name];
    const names =
      typeof value === 'string'
        ? [value]
        : Array.isArray(value)
          ? value.filter((v): v is string => typeof v === 'string')
          : [];
    for (const n of names) columns.set(n, FAMILY_TYPE[p.columnTypes?.[0] ?? 'string'] ?? 'string');
  }
  columns.set('amount', 'double');
  return { columns: [...columns].map(([name, type]) => ({ name, type })) };
}

describe('check catalog', () => {
  it('has every DQX 0.17.0 check', () => {
    expect(listChecks({ level: 'row' }).filter((c) => c.module === 'core')).toHaveLength(42);
    expect(listChecks({ level: 'dataset' }).filter((c) => c.module === 'core')).toHaveLength(15);
    expect(CHECKS.filter((c) => c.module === 'geo')).toHaveLength(32);
    expect(CHECKS.filter((c) => c.module === 'pii' || c.module === 'anomaly')).toHaveLength(2);
    expect(new Set(CHECKS.map((c) => c.name)).size).toBe(CHECKS.length);
  });

  it('compiles every core row check and the dataset checks with SQL on the fast path; everything else is job-only', () => {
    for (const c of CHECKS) {
      if (c.level === 'row' && c.module === 'core') {
        expect(c.runsIn, c.name).toBe('sql');
        expect(c.sql, c.name).toBeTypeOf('function');
      } else if (c.datasetSql) {
        expect(c.level, c.name).toBe('dataset');
        expect(c.runsIn, c.name).toBe('sql');
      } else {
        expect(c.runsIn, c.name).toBe('job');
        expect(c.jobOnlyReason, c.name).toBeTruthy();
      }
    }
  });

  it('describes every argument for generated forms', () => {
    for (const c of CHECKS) {
      for (const p of c.params) {
        expect(p.description.length, `${c.name}.${p.name}`).toBeGreaterThan(5);
        expect(p.widget, `${c.name}.${p.name}`).toBeTruthy();
        if (!p.required) expect(p, `${c.name}.${p.name}`).toHaveProperty('default');
      }
    }
  });

  for (const c of CHECKS) {
    it(`example of ${c.name} is valid and named`, () => {
      const check: DqxCheck = { check: c.example as DqxCheck['check'] };
      const result = validateChecks([check]);
      expect(result.errors, JSON.stringify(result.errors)).toEqual([]);
      expect(c.defaultName(check.check.arguments ?? {}, { sparkFlavor: 'connect' })).toMatch(/\S/);
      if (c.runsIn !== 'sql') return;
      const table = tableFor(check);
      // checks that compare with a reference table's columns compile when the caller describes it
      const ref = check.check.arguments?.ref_table;
      const referenceTables = typeof ref === 'string' ? { [ref]: table } : {};
      for (const dialect of ['duckdb', 'databricks'] as const) {
        const source = dialect === 'duckdb' ? '"t"' : '`t`';
        const apply = compileApplyChecks([check], source, { dialect, table, runId: 'r', referenceTables });
        expect(apply.jobOnly, `${c.name} on ${dialect}`).toEqual([]);
        expect(apply.rules[0]!.status).toBe('compiled');
        expect(compileValidation([check], source, { dialect, table, sampleLimit: 2, referenceTables }).sql).toContain(
          '__dqx_fail0',
        );
      }
    });
  }
});

describe('docs/dqx-checks.md', () => {
  const docs = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'dqx-checks.md'), 'utf8');

  it('documents every check', () => {
    for (const c of CHECKS) expect(docs, c.name).toContain(`#### \`${c.name}\``);
  });

  it('says where each check runs, as the catalog does', () => {
    const wrong: string[] = [];
    for (const c of CHECKS) {
      const section = docs.split(`#### \`${c.name}\``)[1]!.split('#### ')[0]!;
      const runs = /- \*\*Runs:\*\* (.*)/.exec(section)?.[1] ?? '';
      const sql = runs.startsWith('SQL fast path');
      if (sql !== (c.runsIn === 'sql')) wrong.push(`${c.name}: ${runs}`);
    }
    expect(wrong).toEqual([]);
  });

  it('explains every known DuckDB difference a vector declares', () => {
    const dir = path.join(__dirname, '..', '..', '..', 'tests', 'conformance', 'vectors');
    for (const f of readdirSync(dir)) {
      const v = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
        name: string;
        known_differences?: unknown;
      };
      if (v.known_differences) expect(docs, v.name).toContain(`\`${v.name}\``);
    }
  });
});
