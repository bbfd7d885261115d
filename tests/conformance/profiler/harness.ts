/**
 * The TypeScript side of the Spark conformance run (called by test_profiler.py through `npx tsx`):
 *
 *   harness.ts sql <out.json>               our databricks-dialect profile SQL for every vector
 *   harness.ts compare <rows.json> <out.json>
 *       decodes the rows Spark returned for that SQL, generates the rules, and compares both with
 *       DQX's recorded outputs (exactly: on Spark the statistics come from the same engine); the
 *       other sampling modes (`<name>::<variant>`) are checked for the rows they claim to read
 */
import fs from 'node:fs';

import { generateRules } from '@/lib/dqx/generator';
import { compileProfile, EXACT_REPLAY_MAX_ROWS } from '@/lib/dqx/profiler';
import { quoteIdent } from '@/lib/sql/quote';

import { compareVariant, compareWithDqx, SAMPLING_VARIANTS, type SamplingVariant } from './compare';
import { loadVectors, tableNameOf, type ProfilerVector } from './vectors';

function compile(vector: ProfilerVector, variant?: SamplingVariant) {
  const v = variant ? SAMPLING_VARIANTS[variant] : {};
  return compileProfile({ columns: vector.columns }, quoteIdent('databricks', tableNameOf(vector)), {
    dialect: 'databricks',
    options: { ...vector.options, ...v.options },
    sampleRows: v.sampleRows,
    sampleSeed: v.sampleSeed,
  });
}

const VARIANTS = Object.keys(SAMPLING_VARIANTS) as SamplingVariant[];

function main(argv: string[]): number {
  const [command, ...args] = argv;
  const vectors = loadVectors();
  if (command === 'sql' && args[0]) {
    const out = Object.fromEntries(
      vectors.map((v) => [
        v.name,
        { table: tableNameOf(v), sql: compile(v).sql, variants: Object.fromEntries(VARIANTS.map((x) => [x, compile(v, x).sql])) },
      ]),
    );
    fs.writeFileSync(args[0], JSON.stringify(out, null, 1));
    return 0;
  }
  if (command === 'compare' && args[0] && args[1]) {
    const rows = JSON.parse(fs.readFileSync(args[0], 'utf8')) as Record<string, Record<string, unknown>[]>;
    const out: Record<string, string[]> = {};
    for (const v of vectors) {
      const got = rows[v.name];
      if (!got) {
        out[v.name] = ['no rows from Spark'];
        continue;
      }
      try {
        const c = compile(v);
        const result = c.decode(got);
        const rules = generateRules(result.profiles, { criticality: v.criticality });
        const bounded = c.sampling.limit !== null && c.sampling.limit <= EXACT_REPLAY_MAX_ROWS;
        out[v.name] = compareWithDqx(v, result, rules, { relaxStddev: !bounded });
      } catch (e) {
        out[v.name] = [`decode failed: ${(e as Error).stack ?? String(e)}`];
      }
      for (const variant of VARIANTS) {
        const key = `${v.name}::${variant}`;
        const variantRows = rows[key];
        try {
          out[key] = variantRows ? compareVariant(v, variant, compile(v, variant).decode(variantRows)) : ['no rows from Spark'];
        } catch (e) {
          out[key] = [`decode failed: ${(e as Error).stack ?? String(e)}`];
        }
      }
    }
    fs.writeFileSync(args[1], JSON.stringify(out, null, 1));
    return 0;
  }
  process.stderr.write('usage: harness.ts sql <out.json> | compare <rows.json> <out.json>\n');
  return 2;
}

process.exit(main(process.argv.slice(2)));
