/**
 * Writes what the Python side of the conformance suite needs from the TypeScript engine, as one
 * JSON file (default: engine-output.json in the system temp folder):
 *
 * - per vector, our `databricks`-dialect SQL for apply_checks and for the validation summary, over
 *   the temp view `__dqx_vector`, with the run time/id the recorder uses;
 * - checks files our serializer writes (YAML and JSON) for seeded random rule sets, with the values
 *   our parser reads back, so PyYAML/json + DQX's denormalisation can be compared with them.
 *
 *   npx tsx scripts/emit-conformance-sql.ts [output.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseChecksText, serializeChecks } from '../lib/dqx/checks-file';
import { compileApplyChecks, compileValidation } from '../lib/dqx/compile/compiler';
import { randomRuleSet, seededRandom } from '../lib/dqx/test-support/random-rules';
import { quoteIdent } from '../lib/sql/quote';
import { loadVectors, vectorReferenceTables, vectorTable } from '../tests/conformance/vectors';

const out = process.argv[2] ?? path.join(tmpdir(), 'engine-output.json');
const source = quoteIdent('databricks', '__dqx_vector');
const run = { runTime: '2025-01-01T00:00:00', runId: 'conformance-run', sparkFlavor: 'classic' as const };

const vectors: Record<string, unknown> = {};
for (const v of loadVectors()) {
  const options = {
    dialect: 'databricks' as const,
    table: vectorTable(v),
    referenceTables: vectorReferenceTables(v),
    ...run,
  };
  const apply = compileApplyChecks(v.checks, source, options);
  const validation = compileValidation(v.checks, source, { ...options, sampleLimit: 3 });
  vectors[v.name] = {
    apply_sql: apply.sql,
    validation_sql: validation.sql,
    job_only: apply.jobOnly.map((r) => ({ name: r.name, reason: r.reason })),
    rules: validation.rules.map((r) => ({
      name: r.name,
      fingerprint: r.fingerprint,
      criticality: r.criticality,
      status: r.status,
    })),
  };
}

const rand = seededRandom(424242);
const files = Array.from({ length: 120 }, (_, i) => {
  const checks = randomRuleSet(rand);
  const format = i % 2 === 0 ? ('yaml' as const) : ('json' as const);
  const text = serializeChecks(checks, format);
  return { format, text, parsed: parseChecksText(text, format).checks };
});

mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ vectors, files }, null, 1));
console.log(`wrote ${Object.keys(vectors).length} vectors and ${files.length} files to ${out}`);
