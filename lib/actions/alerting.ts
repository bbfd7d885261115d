'use server';
/**
 * Server actions of thresholds and alerts (History page). Every action returns `ActionResult<T>`.
 *
 * saveThresholdsAction(input: { table, min_pass_rate, fail_on_error_rows, rules, webhook_url? })
 *   data: ThresholdsDto (as saved); field errors name `min_pass_rate`, `rules.<i>.<field>`, `webhook_url`.
 */
import type { z } from 'zod';

import { saveThresholds, type ThresholdsDto } from '@/lib/services/alerting';
import { ThresholdsBody } from '@/lib/services/alerting-schemas';
import { TableNameField } from '@/lib/services/generation-schemas';

import { runAction, type ActionResult } from './action-result';

const Thresholds = ThresholdsBody.extend({ table: TableNameField });

export async function saveThresholdsAction(input: z.input<typeof Thresholds>): Promise<ActionResult<ThresholdsDto>> {
  return runAction(Thresholds, input, (caller, { table, ...thresholds }) => saveThresholds(caller, table, thresholds), {
    revalidate: ['/history'],
    message: (t) => `Thresholds of ${t.table_name} saved${t.active ? '' : ' (none set: no run is a breach)'}.`,
  });
}
