/** SQL of DQX's reference dataset-level checks (see index.ts). */
import type { DatasetBuilder } from './index';

export const REFERENCE_SQL: Record<string, DatasetBuilder> = {};
