/**
 * Profiler conformance vectors: input columns (Spark types), rows and DQX profiler options, with the
 * outputs recorded from real DQX (record.py). Shared by the DuckDB vitest and the Spark harness.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { DqxValue } from '@/lib/dqx/profiler/values';

export const VECTOR_DIR = path.resolve(__dirname, 'vectors');

export interface ProfilerVector {
  name: string;
  description: string;
  columns: { name: string; type: string }[];
  /** Rows as arrays in column order (see make_profiler_vectors.py for the value encodings). */
  rows: unknown[][];
  /** DQX profiler options, as passed to DQProfiler.profile (full data: fraction 1.0, limit >= rows or none). */
  options: Record<string, unknown>;
  criticality: 'error' | 'warn';
  expected?: {
    recorded_with: Record<string, string>;
    /** Rows DQX profiled (every row, or every row passing the filter option). */
    rows_profiled: number;
    summary_stats: Record<string, Record<string, DqxValue>>;
    profiles: {
      name: string;
      column: string;
      description: string | null;
      parameters: Record<string, unknown> | null;
      filter: string | null;
    }[];
    rules: Record<string, unknown>[];
  };
}

export function loadVectors(): ProfilerVector[] {
  return fs
    .readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(VECTOR_DIR, f), 'utf8')) as ProfilerVector);
}

/** The view/table name a vector's data is registered under (plain identifier, quoted anyway). */
export function tableNameOf(vector: ProfilerVector): string {
  return `profiler_vector_${vector.name}`;
}
