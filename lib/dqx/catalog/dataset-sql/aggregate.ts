/** SQL of DQX's aggregate dataset-level checks (see index.ts). */
import type { DatasetBuilder } from './index';

export const AGGREGATE_SQL: Record<string, DatasetBuilder> = {};
