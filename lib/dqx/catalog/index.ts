/**
 * The check catalog: one entry per DQX check function, in DQX's resolution order (core checks,
 * then geospatial, then the optional PII and anomaly modules).
 */
import { DATASET_CHECKS } from './dataset-checks';
import { JOB_ONLY_CHECKS } from './job-only-checks';
import { ROW_CHECKS } from './row-checks';
import type { CheckDefinition } from './types';

export const CHECKS: readonly CheckDefinition[] = [...ROW_CHECKS, ...DATASET_CHECKS, ...JOB_ONLY_CHECKS];

const BY_NAME = new Map(CHECKS.map((c) => [c.name, c]));

/** The catalog entry of a check function, or undefined when DQX has no such function. */
export function getCheck(name: string): CheckDefinition | undefined {
  return BY_NAME.get(name);
}

/** All checks, optionally filtered by level and where they run. */
export function listChecks(
  filter: { level?: 'row' | 'dataset'; runsIn?: 'sql' | 'job' } = {},
): CheckDefinition[] {
  return CHECKS.filter(
    (c) => (!filter.level || c.level === filter.level) && (!filter.runsIn || c.runsIn === filter.runsIn),
  );
}

export type {
  CheckDefinition,
  CheckParam,
  NamingOptions,
  SparkFlavor,
  RowCheckSql,
  ArgumentWidget,
} from './types';
