/**
 * Input schemas of thresholds and alerts (issue 15 item 3): a table's thresholds. Shared by the
 * route handlers under /api/v1/rule-sets/{table}/thresholds and the server actions.
 */
import { z } from 'zod';

import { cleanText } from './safe-input';

export const MAX_RULE_THRESHOLDS = 200;

const passRate = (field: string) =>
  z
    .number({ error: `${field} must be a number between 0 and 1, or null` })
    .min(0, { error: `${field} must be at least 0` })
    .max(1, { error: `${field} must be at most 1 (a pass rate is a fraction: 0.95 is 95 %)` });

export const RuleThresholdInput = z.strictObject({
  rule: cleanText(
    z
      .string({ error: 'rule must be the name or fingerprint of a rule' })
      .trim()
      .min(1, { error: 'rule must be the name or fingerprint of a rule' })
      .max(500, { error: 'rule must be at most 500 characters' }),
    'rule',
  ),
  min_pass_rate: passRate('min_pass_rate').nullable().default(null),
  fail_on_failing_rows: z.boolean({ error: 'fail_on_failing_rows must be true or false' }).default(false),
});

export const ThresholdsBody = z.strictObject({
  min_pass_rate: passRate('min_pass_rate').nullable(),
  fail_on_error_rows: z.boolean({ error: 'fail_on_error_rows must be true or false' }),
  rules: z
    .array(RuleThresholdInput, { error: 'rules must be a list of rule thresholds' })
    .max(MAX_RULE_THRESHOLDS, { error: `at most ${MAX_RULE_THRESHOLDS} rule thresholds` })
    .default([]),
  /**
   * The table's own webhook: a URL sets it, null removes it (alerts go to DQX_ALERT_WEBHOOK_URL),
   * omitted keeps it (it is never returned whole, so a form cannot send it back).
   */
  webhook_url: cleanText(
    z
      .string({ error: 'webhook_url must be an http(s) URL, or null' })
      .trim()
      .max(2000, { error: 'webhook_url must be at most 2000 characters' }),
    'webhook_url',
  )
    .nullable()
    .optional(),
});
export type ThresholdsInput = z.infer<typeof ThresholdsBody>;
