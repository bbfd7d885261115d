/**
 * SQL builders of the dataset-level checks, by check name. A builder returns what the check adds
 * to the single scan (window expressions over the source rows, or LEFT JOINs to grouped
 * subqueries over the source or a reference table) and its condition and message over those
 * columns; the planner applies the rule filter and builds the result entry, so failures are
 * attributed to rows exactly as DQX attributes them. A check without a builder runs in a DQX job.
 */
import type { DatasetSqlContext } from '../../compile/dataset-context';
import type { DatasetCheckSql } from '../types';
import { AGGREGATE_SQL } from './aggregate';
import { REFERENCE_SQL } from './reference';
import { TIME_SQL } from './time';
import { UNIQUE_SQL } from './unique';

export type DatasetBuilder = (ctx: DatasetSqlContext, args: Record<string, unknown>) => DatasetCheckSql;

export const DATASET_SQL: Record<string, DatasetBuilder> = {
  ...UNIQUE_SQL,
  ...AGGREGATE_SQL,
  ...REFERENCE_SQL,
  ...TIME_SQL,
};
