import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { DqxCheck } from '@/lib/dqx';
import { JobOutputSchema, type MonitoringResult } from '@/lib/jobs/contract';
import type { ScheduledRun } from '@/lib/jobs/databricks/monitoring-job';
import type { JobStatus } from '@/lib/jobs/port';

import { scheduledRunCompletion } from './scheduled-job-runs';

// the rules published for the recorded run (notebooks/tests/test_monitoring.py RULES)
const CHECKS = [
  {
    name: 'customer_present',
    criticality: 'error',
    check: { function: 'is_not_null', arguments: { column: 'customer' } },
  },
  {
    name: 'known_status',
    criticality: 'warn',
    check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'new'", "'shipped'"] } },
  },
  {
    name: 'new_qty_in_range',
    criticality: 'error',
    filter: "status = 'new'",
    check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 10 } },
  },
] as DqxCheck[];

const recorded = JSON.parse(
  readFileSync(
    path.resolve(__dirname, '..', '..', 'tests', 'fixtures', 'jobs', 'monitoring-success.json'),
    'utf8',
  ),
) as {
  notebook: { exit: string };
};
const output = JobOutputSchema.parse(JSON.parse(recorded.notebook.exit));
const result = (output as { result: MonitoringResult }).result;
const status: JobStatus = {
  state: 'succeeded',
  terminal: true,
  message: null,
  startedAt: null,
  endedAt: null,
  url: null,
  platformState: 'TERMINATED/SUCCESS',
};
const params = {
  tableName: 'spark_catalog.dqx_test.orders',
  version: 3,
  fingerprint: result.monitoring.checks.rule_set_fingerprint,
  sampleRows: null,
  sampleLimit: 5,
  checks: CHECKS,
  visibleColumns: ['order_id', 'status'],
};

describe('a scheduled Databricks run as the app validation completion', () => {
  it('carries DQX figures per rule, in the rule set order, like a validation job run', () => {
    const run: ScheduledRun = {
      job_run_id: output.run_id,
      trigger: 'PERIODIC',
      started_at: null,
      ended_at: null,
      status,
      outcome: { ok: true, result },
    };
    const done = scheduledRunCompletion(run, params);
    if (!done.ok) throw new Error('expected a completion');
    expect(done.jobRunId).toBe('733295561940183');
    expect(done.monitoring.outputs.metrics_table).toBe('spark_catalog.dqx_monitor.orders_metrics');
    expect(done.summary).toMatchObject({
      total_rows: 200,
      valid_rows: 189,
      error_rows: 11,
      warning_rows: 7,
      rules_total: 3,
      rules_failed: 2,
      rules_warning: 1,
    });
    expect(done.output.rules.map((r) => [r.name, r.failing_rows, r.rows_evaluated])).toEqual([
      ['customer_present', 8, 200],
      ['known_status', 7, 200],
      ['new_qty_in_range', 3, 94],
    ]);
    // a column the schedule's owner cannot read never reaches the stored output
    expect(done.output.columns.map((c) => c.name)).toEqual(['order_id', 'status']);
  });

  it('a failed run becomes a failed completion with the notebook error', () => {
    const run: ScheduledRun = {
      job_run_id: '42',
      trigger: 'PERIODIC',
      started_at: null,
      ended_at: null,
      status: { ...status, state: 'failed' },
      outcome: {
        ok: false,
        error: { type: 'no_published_checks', cause: 'No published checks.', hint: 'Publish.' },
        trace: null,
      },
    };
    expect(scheduledRunCompletion(run, params)).toEqual({
      ok: false,
      jobRunId: '42',
      error: { type: 'no_published_checks', cause: 'No published checks.', hint: 'Publish.' },
      trace: null,
    });
  });
});
