import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Kysely } from 'kysely';

import * as schedulesRepo from '@/db/repositories/schedules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { checkWebhookUrl, forbiddenAddress, postJson } from '@/lib/alerts/webhook';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';
import { startWebhookReceiver, type WebhookReceiver } from '@/tests/support/webhook-receiver';

import { tableAccessVia } from './access';
import { alertDeliveriesSettled, getThresholds, listAlerts, saveThresholds, type AlertingDeps, type AlertPayload } from './alerting';
import { ThresholdsBody } from './alerting-schemas';
import { completeRun, createRun, type RuleResultInput } from './runs';
import { ScheduleBody } from './schedule-schemas';
import { saveSchedule } from './schedules';
import { getTableHealth } from './table-health';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'email', type: 'string' },
];

const ruleResult = (name: string, failing: number, of = 100): RuleResultInput => ({
  rule_name: name,
  rule_fingerprint: `fp-${name}`,
  function: 'is_not_null',
  criticality: 'error',
  rows_evaluated: of,
  failing_rows: failing,
});

let tableCounter = 0;

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`thresholds and alerts (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let deps: AlertingDeps;
    let hook: WebhookReceiver;

    const newTable = () => {
      const name = `main.sales.watched_${++tableCounter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };

    /** A validation run of `table` that finished with `errorRows` of 100 rows failing, and these rule results. */
    async function finishRun(table: string, errorRows: number, results: RuleResultInput[] = [], extra: Record<string, unknown> = {}) {
      const run = await createRun(alice, { kind: 'validation', table, engine: 'local', rule_set_version: null }, deps);
      await completeRun(
        run.id,
        { status: 'succeeded', summary: { total_rows: 100, valid_rows: 100 - errorRows, error_rows: errorRows, warning_rows: 0, ...extra }, rule_results: results },
        { db },
      );
      return run.id;
    }

    const sent = (table: string) => hook.received.filter((r) => (r.body as unknown as AlertPayload).table === table).map((r) => r.body as unknown as AlertPayload);

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller) => caller === alice.id);
      deps = { db, access: tableAccessVia((caller) => catalog.warehouseFor(caller)), mode: 'local' };
      hook = await startWebhookReceiver();
    });
    afterAll(async () => {
      await alertDeliveriesSettled();
      await hook?.close();
      await store?.close();
    });

    it('keeps thresholds per table, shows only the webhook origin, and hides tables the caller cannot read', async () => {
      const table = newTable();
      expect(await getThresholds(alice, table, deps)).toMatchObject({ min_pass_rate: null, fail_on_error_rows: false, rules: [], active: false, updated_by: null });
      const saved = await saveThresholds(
        alice,
        table,
        ThresholdsBody.parse({ min_pass_rate: 0.95, fail_on_error_rows: true, rules: [{ rule: 'email_valid', min_pass_rate: 0.99 }], webhook_url: hook.url }),
        deps,
      );
      expect(saved).toMatchObject({ min_pass_rate: 0.95, fail_on_error_rows: true, active: true, rules: [{ rule: 'email_valid', min_pass_rate: 0.99, fail_on_failing_rows: false }] });
      expect(saved.webhook).toEqual({ source: 'table', origin: new URL(hook.url).origin });
      expect(JSON.stringify(saved)).not.toContain('secret-token');
      // omitted webhook_url keeps it; null removes it
      expect((await saveThresholds(alice, table, ThresholdsBody.parse({ min_pass_rate: 0.9, fail_on_error_rows: false }), deps)).webhook.source).toBe('table');
      expect((await saveThresholds(alice, table, ThresholdsBody.parse({ min_pass_rate: 0.9, fail_on_error_rows: false, webhook_url: null }), deps)).webhook.source).not.toBe('table');

      expect((await appError(getThresholds(bob, table, deps))).code).toBe('not_found');
      expect((await appError(getTableHealth(bob, table, deps))).code).toBe('not_found');
      expect((await appError(listAlerts(bob, table, deps))).code).toBe('not_found');
      const twice = await appError(saveThresholds(alice, table, ThresholdsBody.parse({ min_pass_rate: null, fail_on_error_rows: false, rules: [{ rule: 'a' }, { rule: 'a' }] }), deps));
      expect(twice.message).toContain('rules[1].rule');
      expect(ThresholdsBody.safeParse({ min_pass_rate: 1.5, fail_on_error_rows: false }).error?.issues[0]?.message).toMatch(/at most 1/);
    });

    it('refuses webhook URLs that are not http(s), carry credentials, or reach link-local (and in databricks mode loopback or plain http) addresses', async () => {
      const table = newTable();
      const refused = async (url: string, mode: 'local' | 'databricks' = 'local') => {
        const error = await appError(saveThresholds(alice, table, ThresholdsBody.parse({ min_pass_rate: 0.5, fail_on_error_rows: false, webhook_url: url }), { ...deps, mode }));
        expect(error.code, url).toBe('bad_request');
        expect(error.message).toMatch(/^webhook_url /);
        return error.message;
      };
      expect(await refused('file:///etc/passwd')).toContain('http or https');
      expect(await refused('gopher://example.com/')).toContain('http or https');
      expect(await refused('not a url')).toContain('absolute');
      expect(await refused('http://user:pw@example.com/hook')).toContain('user name or password');
      expect(await refused('http://169.254.169.254/latest/meta-data/')).toContain('link-local');
      expect(await refused('http://[::ffff:169.254.169.254]/')).toContain('link-local');
      expect(await refused('http://[fe80::1]/')).toContain('link-local');
      expect(await refused('http://hooks.example.com/x', 'databricks')).toContain('https');
      expect(await refused('https://127.0.0.1/x', 'databricks')).toContain('loopback');
      expect(await refused('https://localhost:8443/x', 'databricks')).toContain('loopback');
      expect(await refused('https://[::1]/x', 'databricks')).toContain('loopback');
      // what is allowed
      expect(checkWebhookUrl('https://hooks.slack.com/services/T/B/C', 'databricks').hostname).toBe('hooks.slack.com');
      expect(checkWebhookUrl(hook.url, 'local').port).not.toBe('');
      expect(forbiddenAddress('10.0.0.1', 'databricks')).toBeNull();
      // a host name is checked again at the address the connection uses
      const viaName = await postJson(new URL(hook.url.replace('127.0.0.1', 'localhost')), { x: 1 }, { mode: 'databricks', timeoutMs: 2000 });
      expect(viaName).toMatchObject({ ok: false, status: null });
      expect(viaName.error).toContain('loopback');
    });

    it('gives up on a webhook that does not answer in time', async () => {
      const silent = http.createServer(() => undefined); // reads the request, never answers
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as AddressInfo;
        const outcome = await postJson(new URL(`http://127.0.0.1:${port}/hook`), { x: 1 }, { mode: 'local', timeoutMs: 300 });
        expect(outcome).toEqual({ ok: false, status: null, error: 'the webhook did not answer within 300 ms' });
      } finally {
        silent.closeAllConnections();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('alerts once on a breach and once on the recovery, never while the state stays the same', async () => {
      const table = newTable();
      await saveThresholds(
        alice,
        table,
        ThresholdsBody.parse({ min_pass_rate: 0.9, fail_on_error_rows: false, rules: [{ rule: 'email_valid', fail_on_failing_rows: true }], webhook_url: hook.url }),
        deps,
      );
      // meeting the thresholds from the start is no event
      await finishRun(table, 0, [ruleResult('email_valid', 0)]);
      expect((await getTableHealth(alice, table, deps)).status).toBe(200);

      const breachRun = await finishRun(table, 20, [ruleResult('email_valid', 20)]);
      await finishRun(table, 30, [ruleResult('email_valid', 30)]);
      await alertDeliveriesSettled();
      const health = await getTableHealth(alice, table, deps);
      expect(health.status).toBe(503);
      expect(health.health).toMatchObject({ state: 'breach', healthy: false, latest_run: { pass_rate: 0.7, error_rows: 30 } });
      expect(health.health.breached.map((b) => [b.scope, b.threshold, b.actual])).toEqual([
        ['table', 'min_pass_rate', 0.7],
        ['rule', 'fail_on_failing_rows', 30],
      ]);
      expect(sent(table)).toHaveLength(1);
      const breach = sent(table)[0]!;
      expect(breach).toMatchObject({ table, state: 'breach', event: 'breach', run_id: breachRun, incomplete: false, figures: { pass_rate: 0.8, error_rows: 20 } });
      expect(breach.breached.map((b) => b.threshold)).toEqual(['min_pass_rate', 'fail_on_failing_rows']);
      expect(breach.text).toContain(table);
      expect(breach.text).toContain('80');

      const recovery = await finishRun(table, 5, [ruleResult('email_valid', 0)]);
      await finishRun(table, 0, [ruleResult('email_valid', 0)]);
      await alertDeliveriesSettled();
      expect(sent(table).map((a) => [a.event, a.state])).toEqual([
        ['breach', 'breach'],
        ['recovery', 'ok'],
      ]);
      expect(sent(table)[1]).toMatchObject({ run_id: recovery, breached: [] });
      expect((await getTableHealth(alice, table, deps)).status).toBe(200);

      const history = await listAlerts(alice, table, deps);
      expect(history.state).toBe('ok');
      expect(history.items.map((a) => [a.event, a.delivery, a.attempts])).toEqual([
        ['recovery', 'sent', 1],
        ['breach', 'sent', 1],
      ]);
    });

    it('health says overdue (503) when a scheduled slot passed without a run, and ok again once a run started', async () => {
      const table = newTable();
      await saveSchedule(alice, table, ScheduleBody.parse({ cron: '0 6 * * *' }), deps);
      expect((await getTableHealth(alice, table, deps)).health).toMatchObject({ state: 'unknown', overdue: false });
      // the app was down over the 06:00 slot an hour ago
      await schedulesRepo.setNextRun(db, table, new Date(Date.now() - 3_600_000));
      const missed = await getTableHealth(alice, table, deps);
      expect(missed.status).toBe(503);
      expect(missed.health).toMatchObject({ state: 'overdue', healthy: false, overdue: true });
      await finishRun(table, 0, [ruleResult('email_valid', 0)]);
      expect((await getTableHealth(alice, table, deps)).health).toMatchObject({ state: 'ok', healthy: true, overdue: false });
      // paused: nothing is owed
      await schedulesRepo.setNextRun(db, table, new Date(Date.now() - 60_000 * 20));
      await saveSchedule(alice, table, ScheduleBody.parse({ cron: '0 6 * * *', paused: true }), deps);
      expect((await getTableHealth(alice, table, deps)).health.overdue).toBe(false);
    });

    it('alerts once when runs that breach finish together', async () => {
      const table = newTable();
      await saveThresholds(alice, table, ThresholdsBody.parse({ min_pass_rate: null, fail_on_error_rows: true, webhook_url: hook.url }), deps);
      const runs = await Promise.all(Array.from({ length: 4 }, () => createRun(alice, { kind: 'validation', table, engine: 'local' }, { ...deps, runsPerUser: 10 } as AlertingDeps)));
      await Promise.all(
        runs.map((r) => completeRun(r.id, { status: 'succeeded', summary: { total_rows: 10, valid_rows: 9, error_rows: 1, warning_rows: 0 } }, { db })),
      );
      await alertDeliveriesSettled();
      expect(sent(table)).toHaveLength(1);
      expect((await listAlerts(alice, table, deps)).items).toHaveLength(1);
    });

    it('judges an incomplete run by the rules it evaluated, and says it was incomplete', async () => {
      const table = newTable();
      await saveThresholds(
        alice,
        table,
        ThresholdsBody.parse({ min_pass_rate: 0.9, fail_on_error_rows: false, rules: [{ rule: 'not_run_here', min_pass_rate: 1 }], webhook_url: hook.url }),
        deps,
      );
      // the rule with a threshold was not evaluated: no breach from it
      await finishRun(table, 0, [ruleResult('email_valid', 0)], { rules_not_evaluated: 1 });
      expect((await getTableHealth(alice, table, deps)).health).toMatchObject({ state: 'ok', latest_run: { incomplete: true } });
      await finishRun(table, 50, [ruleResult('email_valid', 50)], { rules_not_evaluated: 1 });
      await alertDeliveriesSettled();
      expect(sent(table)).toHaveLength(1);
      expect(sent(table)[0]).toMatchObject({ state: 'breach', incomplete: true, figures: { rules_not_evaluated: 1 } });
      expect(sent(table)[0]!.breached.map((b) => b.scope)).toEqual(['table']);
      expect(sent(table)[0]!.text).toMatch(/incomplete/i);
    });

    it('retries a failed delivery once, records a delivery that failed twice, and never fails the run', async () => {
      const table = newTable();
      await saveThresholds(alice, table, ThresholdsBody.parse({ min_pass_rate: 0.99, fail_on_error_rows: false, webhook_url: hook.url }), deps);
      hook.failNext(1);
      await finishRun(table, 10);
      await alertDeliveriesSettled();
      expect(sent(table)).toHaveLength(1);
      expect((await listAlerts(alice, table, deps)).items[0]).toMatchObject({ delivery: 'sent', attempts: 2, delivery_error: null });

      hook.failNext(2);
      const run = await finishRun(table, 0);
      await alertDeliveriesSettled();
      expect(sent(table)).toHaveLength(1);
      const failed = (await listAlerts(alice, table, deps)).items[0]!;
      expect(failed).toMatchObject({ run_id: run, event: 'recovery', delivery: 'failed', attempts: 2 });
      expect(failed.delivery_error).toContain('HTTP 500');
      expect(failed.delivery_error).not.toContain('secret-token');
    });

    it('health: unknown without thresholds or runs, no_run (503) with thresholds and no run, failed runs change nothing', async () => {
      const table = newTable();
      expect(await getTableHealth(alice, table, deps)).toMatchObject({ status: 200, health: { state: 'unknown', latest_run: null, thresholds: null, overdue: false } });
      await saveThresholds(alice, table, ThresholdsBody.parse({ min_pass_rate: 0.5, fail_on_error_rows: false }), deps);
      expect(await getTableHealth(alice, table, deps)).toMatchObject({ status: 503, health: { state: 'no_run', healthy: false } });
      const failed = await createRun(alice, { kind: 'validation', table, engine: 'local' }, deps);
      await completeRun(failed.id, { status: 'failed', error: { code: 'x', message: 'broken' } }, { db });
      expect((await getTableHealth(alice, table, deps)).health.state).toBe('no_run');
      // no webhook anywhere: the alert is kept, marked as not sent
      await finishRun(table, 60);
      expect((await listAlerts(alice, table, deps)).items[0]).toMatchObject({ event: 'breach', delivery: 'no_webhook', attempts: 0 });
    });
  });
}
