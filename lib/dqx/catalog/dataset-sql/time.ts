/** SQL of DQX's time dataset-level checks (see index.ts). */
import type { DatasetBuilder } from './index';

export const TIME_SQL: Record<string, DatasetBuilder> = {};
