/**
 * The Databricks publishing targets against the stand-ins: the Files API of the fake workspace
 * (documented paths, the user's own token, per-user write rights on volumes) and a warehouse that
 * records the statements it is sent and answers the checks table's queries like a table would.
 * The SQL itself is executed on local Spark by tests/conformance/test_publish_dqx.py.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseChecksText, ruleSetFingerprint, type DqxCheck } from '@/lib/dqx';
import { isAppError } from '@/lib/errors';
import { FakeWorkspace } from '@/lib/jobs/databricks/testing/fake-workspace';
import type { BoundStatement, QueryResult, Warehouse } from '@/lib/warehouse/port';

import { DatabricksPublisher } from './databricks-publisher';

const ANA = 'dapi-ana-user-token';
const BEN = 'dapi-ben-user-token';
const CHECKS: DqxCheck[] = [
  { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'order_id' } } },
  { name: "it's odd", criticality: 'warn', check: { function: 'is_in_range', arguments: { column: 'amount', min_limit: { __decimal__: '0.5' }, max_limit: 10 } } },
];
const request = { tableName: 'main.sales.orders', version: 3, fingerprint: ruleSetFingerprint(CHECKS), checks: CHECKS };

/** A warehouse holding one checks table in memory: what the statements would leave in it. */
class RecordingWarehouse {
  readonly sent: BoundStatement[] = [];
  latest: string | null = null;
  stored = 0;
  readonly dialect = 'databricks' as const;
  async execute(statement: BoundStatement): Promise<QueryResult> {
    this.sent.push(statement);
    if (statement.id === 'latest-checks-batch') return { columns: [], rows: this.latest ? [[this.latest]] : [] };
    if (statement.id === 'count-checks-batch') return { columns: [], rows: [[this.stored]] };
    return { columns: [], rows: [] };
  }
}

describe('Databricks publishing targets', () => {
  let workspace: FakeWorkspace;

  beforeAll(async () => {
    workspace = new FakeWorkspace({
      clientId: 'sp',
      clientSecret: 'secret',
      jobs: [],
      recordings: [],
      userTokens: { [ANA]: { canWrite: ['/Volumes/main/dqx/'] }, [BEN]: { canWrite: [] } },
    });
    workspace.volumes = new Set(['/Volumes/main/dqx/rules']);
    await workspace.start();
  });
  afterAll(async () => {
    await workspace.stop();
  });

  const publisherAs = (token: string, warehouse = new RecordingWarehouse()) =>
    new DatabricksPublisher({ warehouse: warehouse as unknown as Warehouse, host: workspace.url, userToken: () => token });

  it('writes the checks file into the volume as the user, through the Files API, with its folder', async () => {
    const path = '/Volumes/main/dqx/rules/sales/orders checks.yml';
    const before = workspace.requests.length;
    const outcome = await publisherAs(ANA).publish({ kind: 'volume_file', path }, request);
    expect(outcome).toEqual({ status: 'published', location: path });
    const calls = workspace.requests.slice(before);
    expect(calls.map((c) => [c.method, c.path, c.authorization])).toEqual([
      ['PUT', '/api/2.0/fs/directories/Volumes/main/dqx/rules/sales', `Bearer ${ANA}`],
      ['PUT', '/api/2.0/fs/files/Volumes/main/dqx/rules/sales/orders%20checks.yml?overwrite=true', `Bearer ${ANA}`],
    ]);
    const text = workspace.files.get(path)!.toString('utf8');
    expect(parseChecksText(text, 'yaml').checks).toEqual(CHECKS);

    const json = '/Volumes/main/dqx/rules/orders.json';
    await publisherAs(ANA).publish({ kind: 'volume_file', path: json }, request);
    expect(JSON.parse(workspace.files.get(json)!.toString('utf8'))).toHaveLength(2);
  });

  it('passes on Unity Catalog refusing the user, and a volume that does not exist, as clear errors', async () => {
    const refused = await publisherAs(BEN).publish({ kind: 'volume_file', path: '/Volumes/main/dqx/rules/orders.yml' }, request).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('forbidden');
    expect((refused as Error).message).toContain('you may not do this');
    expect((refused as Error).message).not.toContain(BEN);
    const missing = await publisherAs(ANA).publish({ kind: 'volume_file', path: '/Volumes/main/dqx/nope/orders.yml' }, request).catch((e: unknown) => e);
    expect(isAppError(missing) && missing.code).toBe('bad_request');
    expect((missing as Error).message).toContain('/Volumes/main/dqx/nope/orders.yml');
  });

  it('appends one batch to the checks table as parameterised SQL, and nothing when it is already the latest', async () => {
    const warehouse = new RecordingWarehouse();
    const publisher = publisherAs(ANA, warehouse);
    expect(await publisher.publish({ kind: 'uc_table', table: 'main.dqx.checks' }, request)).toEqual({ status: 'published', location: 'main.dqx.checks' });
    expect(warehouse.sent.map((s) => s.id)).toEqual(['create-checks-table', 'latest-checks-batch', 'count-checks-batch', 'insert-checks-batch']);
    const insert = warehouse.sent[3]!;
    expect(insert.sql).toContain('INSERT INTO `main`.`dqx`.`checks`');
    // values are bound, never in the text
    expect(insert.sql).not.toContain("it's odd");
    expect(insert.sql).not.toContain('main.sales.orders');
    expect(Object.values(insert.params)).toEqual(expect.arrayContaining(["it's odd", 'main.sales.orders', '{"__decimal__": "0.5"}', request.fingerprint]));

    warehouse.sent.length = 0;
    warehouse.latest = request.fingerprint;
    expect((await publisher.publish({ kind: 'uc_table', table: 'main.dqx.checks' }, request)).status).toBe('unchanged');
    expect(warehouse.sent.map((s) => s.id)).toEqual(['create-checks-table', 'latest-checks-batch']);

    // a rollback: the rule set is stored in an older batch, which goes before the new batch is appended
    warehouse.sent.length = 0;
    warehouse.latest = 'another-fingerprint';
    warehouse.stored = 2;
    expect((await publisher.publish({ kind: 'uc_table', table: 'main.dqx.checks' }, request)).status).toBe('published');
    expect(warehouse.sent.map((s) => s.id)).toEqual(['create-checks-table', 'latest-checks-batch', 'count-checks-batch', 'delete-checks-batch', 'insert-checks-batch']);
    expect(warehouse.sent[3]!.params).toEqual({ run_config_name: 'main.sales.orders', rule_set_fingerprint: request.fingerprint });
  });

  it('refuses a table name that is not a plain three-part name before sending anything', async () => {
    const warehouse = new RecordingWarehouse();
    const refused = await publisherAs(ANA, warehouse).publish({ kind: 'uc_table', table: 'main.`x`` ; DROP`.checks' }, request).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('bad_request');
    expect(warehouse.sent).toEqual([]);
  });
});
