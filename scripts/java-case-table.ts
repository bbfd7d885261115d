/**
 * Regenerates lib/dqx/compile/java-case-table.ts: the code points whose Spark (Java) upper/lower
 * differs from DuckDB's, from the dump of tests/conformance/case_mapping.py.
 *
 *   tests/conformance/.venv/bin/python tests/conformance/case_mapping.py > /tmp/spark-case.json
 *   npx tsx scripts/java-case-table.ts /tmp/spark-case.json
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { DuckDBInstance } from '@duckdb/node-api';

type Entry = [number, number[]];

const hex = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(4, '0');

function format(entries: Entry[]): string {
  const lines: string[] = [];
  let line = ' ';
  for (const [cp, to] of entries) {
    const item = ` [${hex(cp)}, [${to.map(hex).join(', ')}]],`;
    if ((line + item).length > 100) {
      lines.push(line);
      line = ' ';
    }
    line += item;
  }
  lines.push(line);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const spark = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, [string, string]>;
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run('CREATE TABLE t (cp INTEGER, ch VARCHAR)');
  const appender = await conn.createAppender('t');
  for (let cp = 0; cp < 0x110000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    appender.appendInteger(cp);
    appender.appendVarchar(String.fromCodePoint(cp));
    appender.endRow();
  }
  appender.closeSync();
  const rows = (await conn.runAndReadAll('SELECT cp, upper(ch), lower(ch) FROM t ORDER BY cp')).getRows();
  const upper: Entry[] = [];
  const lower: Entry[] = [];
  const points = (s: string) => [...s].map((c) => c.codePointAt(0)!);
  for (const [cp, u, l] of rows as [number, string, string][]) {
    const ch = String.fromCodePoint(cp);
    const [su, sl] = spark[String(cp)] ?? [ch, ch];
    if (su !== u) upper.push([cp, points(su)]);
    if (sl !== l) lower.push([cp, points(sl)]);
  }
  const head = readFileSync('lib/dqx/compile/java-case-table.ts', 'utf8').split('export const')[0];
  writeFileSync(
    'lib/dqx/compile/java-case-table.ts',
    `${head}export const JAVA_UPPER: readonly (readonly [number, readonly number[]])[] = [\n${format(upper)}\n];\n\n` +
      `export const JAVA_LOWER: readonly (readonly [number, readonly number[]])[] = [\n${format(lower)}\n];\n`,
  );
  conn.closeSync();
}

void main();
