/**
 * The server actions the pages call, on the real local stack (DuckDB sample catalog, PGlite, the
 * process's runner): the generator -> editor -> dry run -> save -> validate -> history loop, with
 * the return shapes the UI relies on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { closeStore } from '@/db';
import { resetConfigForTests } from '@/lib/config';
import { resetCatalogServiceForTests } from '@/lib/services/catalog';
import type { GenerationOutput } from '@/lib/services/generation';
import type { RunDetail } from '@/lib/services/runs';
import type { ValidationOutput } from '@/lib/services/validation';
import { resetLocalWarehouseForTests } from '@/lib/warehouse/duckdb';
import { testCaller } from '@/tests/support/in-memory-warehouse';

const mocks = vi.hoisted(() => ({ revalidatePath: vi.fn() }));
vi.mock('@/lib/auth', () => ({ getCaller: async () => testCaller('ada@example.com') }));
vi.mock('next/cache', () => ({ revalidatePath: mocks.revalidatePath }));

const { startGenerationAction, saveGeneratedRuleSetAction } = await import('./generation');
const { startDryRunAction, startValidationAction, getFailingRowsAction } = await import('./validation');
const { getRunAction, cancelRunAction, listRunsAction, passRateHistoryAction } = await import('./runs');
const { analyzeRulesAction } = await import('./analysis');
const { activateVersionAction, diffVersionsAction, listHistoryAction, getVersionAction } = await import('./rule-sets');
const { savePublishSettingsAction, publishNowAction } = await import('./publishing');
const { saveThresholdsAction } = await import('./alerting');

const TABLE = 'samples.sales.orders';
let root: string;
const saved = { ...process.env };

async function untilFinished(runId: string): Promise<RunDetail> {
  for (let i = 0; i < 3000; i++) {
    const result = await getRunAction({ run_id: runId });
    if (!result.ok) throw new Error(result.message);
    if (['succeeded', 'failed', 'cancelled'].includes(result.data.status)) return result.data;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('run did not finish');
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-actions-'));
  for (const key of Object.keys(process.env)) if (key.startsWith('DQX_') || key.startsWith('DATABRICKS_')) delete process.env[key];
  Object.assign(process.env, {
    DQX_MODE: 'local',
    DQX_LOCAL_DATA_DIR: path.join(root, 'data'),
    DQX_STATE_DIR: path.join(root, 'state'),
    DQX_SAMPLE_BIG_ROWS: '1000',
    DQX_STORE: 'pglite',
    DQX_LOG_LEVEL: 'error',
  });
  resetConfigForTests();
  resetCatalogServiceForTests();
});

afterAll(async () => {
  await closeStore();
  resetLocalWarehouseForTests();
  process.env = saved;
  resetConfigForTests();
  resetCatalogServiceForTests();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('server actions', () => {
  it('runs the whole loop: generate, dry run, save, validate, history', async () => {
    const started = await startGenerationAction({ table: TABLE, request: 'amounts are never negative', sample_rows: 'all' });
    expect(started).toMatchObject({ ok: true, message: expect.stringMatching(/leave this page/) });
    if (!started.ok) return;
    const generation = await untilFinished(started.data.run.id);
    expect(generation.status).toBe('succeeded');
    const out = generation.output as GenerationOutput;
    expect(out.rows_profiled).toBe(1000);
    expect(out.model.configured).toBe(false);

    // the editor's rules: the generated ones plus one the user wrote
    const rules = [...out.rules.map((r) => r.check), { criticality: 'error', name: 'amount_not_negative', check: { function: 'is_not_less_than', arguments: { column: 'amount', limit: 0 } } }];
    const dry = await startDryRunAction({ table: TABLE, rules });
    expect(dry.ok && dry.data.run.parameters).toMatchObject({ dry_run: true, sample_rows: 10_000 });
    if (!dry.ok) return;
    const dryRun = await untilFinished(dry.data.run.id);
    expect((dryRun.output as ValidationOutput).rules.find((r) => r.name === 'amount_not_negative')?.failing_rows).toBe(23);

    const rows = await getFailingRowsAction({ run_id: dryRun.id, query: { rule: 'amount_not_negative', page: '1', page_size: '10' } });
    expect(rows).toMatchObject({ ok: true, data: { total: 23, page: 1 } });
    if (rows.ok) expect(rows.data.rows).toHaveLength(10);

    const analysis = await analyzeRulesAction({ table: TABLE, rules });
    expect(analysis).toMatchObject({ ok: false, code: 'unavailable' });

    const save = await saveGeneratedRuleSetAction({ table: TABLE, rules, user_prompt: out.request, generation_run_id: generation.id });
    expect(save).toMatchObject({ ok: true, data: { version: 1, is_active: true }, message: expect.stringMatching(/version 1/) });
    expect(mocks.revalidatePath).toHaveBeenCalledWith('/history');
    const version = await getVersionAction({ table: TABLE, version: 1 });
    expect(version.ok && version.data.metadata).toMatchObject({ rows_profiled: 1000, origin_counts: { profile: out.rules.length, edited: 1 } });

    const validation = await startValidationAction({ table: TABLE });
    if (!validation.ok) throw new Error(validation.message);
    const run = await untilFinished(validation.data.run.id);
    expect(run).toMatchObject({ status: 'succeeded', rule_set_version: 1, summary: { total_rows: 1000 } });
    expect(run.rule_results.find((r) => r.rule_name === 'amount_not_negative')?.failing_rows).toBe(23);

    const listed = await listRunsAction({ table: TABLE, kind: 'validation' });
    expect(listed.ok && listed.data.items.map((r) => r.id)).toEqual([run.id, dryRun.id]);
    const history = await passRateHistoryAction({ table: TABLE, rule: 'amount_not_negative' });
    expect(history.ok && history.data.points.map((p) => ('failing_rows' in p ? p.failing_rows : null))).toEqual([23]); // the dry run is kept, but it is not history

    // a second version, diff, rollback
    const second = await saveGeneratedRuleSetAction({ table: TABLE, rules: rules.slice(-1) });
    expect(second.ok && second.data.version).toBe(2);
    const diff = await diffVersionsAction({ table: TABLE, from: 1, to: 2 });
    expect(diff.ok && diff.data.removed.length).toBe(out.rules.length);
    const rollback = await activateVersionAction({ table: TABLE, version: 1 });
    expect(rollback).toMatchObject({ ok: true, data: { version: 1, previous_version: 2 } });
    const versions = await listHistoryAction({ table: TABLE });
    expect(versions.ok && versions.data.active_version).toBe(1);

    expect(await cancelRunAction({ run_id: run.id })).toMatchObject({ ok: false, code: 'conflict' });

    // publishing the active version (version 1 after the rollback) from the History page
    expect(await publishNowAction({ table: TABLE })).toMatchObject({ ok: false, code: 'conflict' });
    const badTarget = await savePublishSettingsAction({ table: TABLE, auto_publish: false, targets: [{ kind: 'local_table', table: 'not a name' }] });
    expect(badTarget).toMatchObject({ ok: false, code: 'bad_request', fieldErrors: { 'targets.0.table': [expect.stringContaining('schema.table')] } });
    const wrongMode = await savePublishSettingsAction({ table: TABLE, auto_publish: false, targets: [{ kind: 'volume_file', path: '/Volumes/main/dqx/rules/x.yml' }] });
    expect(wrongMode).toMatchObject({ ok: false, code: 'bad_request', message: expect.stringContaining('databricks mode') });
    expect(await savePublishSettingsAction({ table: TABLE, auto_publish: true, targets: [{ kind: 'local_file', format: 'yaml' }] })).toMatchObject({ ok: true });
    expect(await publishNowAction({ table: TABLE })).toMatchObject({ ok: true, data: { version: 1 }, message: expect.stringContaining('written to 1 of 1 targets') });
    expect(fs.readFileSync(path.join(root, 'state', 'published', 'files', `${TABLE}.yml`), 'utf8')).toContain('function:');

    // thresholds from the History page: bad fields are named, a good form is saved
    const badRate = await saveThresholdsAction({ table: TABLE, min_pass_rate: 1.2, fail_on_error_rows: false, rules: [{ rule: 'amount', min_pass_rate: -1 }] });
    expect(badRate).toMatchObject({ ok: false, code: 'bad_request', fieldErrors: { min_pass_rate: [expect.any(String)], 'rules.0.min_pass_rate': [expect.any(String)] } });
    const metadata = await saveThresholdsAction({ table: TABLE, min_pass_rate: 0.9, fail_on_error_rows: false, webhook_url: 'http://169.254.169.254/latest/meta-data/' });
    expect(metadata).toMatchObject({ ok: false, fieldErrors: { webhook_url: [expect.stringContaining('link-local')] } });
    expect(await saveThresholdsAction({ table: TABLE, min_pass_rate: 0.9, fail_on_error_rows: true })).toMatchObject({
      ok: true,
      data: { min_pass_rate: 0.9, fail_on_error_rows: true, active: true },
    });
  });

  it('reports bad input at the field, and rule errors at the rule', async () => {
    expect(await startGenerationAction({ table: '', sample_rows: 0 })).toMatchObject({
      ok: false,
      code: 'bad_request',
      fieldErrors: { table: [expect.any(String)], sample_rows: expect.any(Array) },
    });
    const invalid = await saveGeneratedRuleSetAction({
      table: TABLE,
      rules: [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'no_such_column' } } }],
    });
    expect(invalid).toMatchObject({ ok: false, code: 'bad_request' });
    expect(Object.keys((!invalid.ok && invalid.fieldErrors) || {})).toEqual([expect.stringMatching(/^rules\.0\.check\.arguments/)]);
    expect(await getRunAction({ run_id: 'nope' })).toMatchObject({ ok: false, fieldErrors: { run_id: expect.any(Array) } });
    expect(await startValidationAction({ table: 'samples.sales.nope' })).toMatchObject({ ok: false, code: 'not_found' });
  });
});
