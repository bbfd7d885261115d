/**
 * The `lakebase_table` target: DQX's Lakebase checks table (`LakebaseChecksStorageConfig`) in the
 * app's own Postgres database, the one the rule store lives in (Lakebase in databricks mode, or a
 * Postgres server given by DATABASE_URL locally), in a schema of its own (never the store's). It is
 * written over the store's connection, so by the app's service principal, which owns the schema it
 * creates there; who may publish is decided before (the steward right, lib/services/publishing.ts).
 *
 * The rows are what DQX's own `save_checks` writes for the rule set (names, rule and rule-set
 * fingerprints computed as for the other checks tables, lib/dqx/checks-table.ts); pipelines read
 * them with `LakebaseChecksStorageConfig(location='<database>.<schema>.<table>', instance_name=...,
 * run_config_name='<the rule set's table>')`. On the embedded PGlite store there is no database a
 * pipeline could reach, so the target is refused there.
 */
import 'server-only';

import type { Kysely } from 'kysely';

import type { Database } from '@/db';
import type { StoreKind } from '@/lib/config';
import { badRequest } from '@/lib/errors';
import { currentDatabase, writeLakebaseChecks } from '@/db/repositories/lakebase-checks';

import type { PublishOutcome, PublishRequest, PublishTarget, Publisher } from '../port';

import { lakebaseChecksRows } from './lakebase-rows';

export const PGLITE_REFUSAL =
  'lakebase_table needs the rule store on Postgres (Lakebase in databricks mode, or DATABASE_URL locally): the embedded PGlite store is not a database a DQX pipeline can read.';

export class LakebasePublisher implements Publisher {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly storeKind: StoreKind,
  ) {}

  async publish(target: PublishTarget, request: PublishRequest): Promise<PublishOutcome> {
    if (target.kind !== 'lakebase_table') throw new Error(`${target.kind} is not a store publishing target`);
    if (this.storeKind === 'pglite') throw badRequest(PGLITE_REFUSAL, { field: 'targets' });
    if (request.checks.length === 0) {
      throw badRequest(`Version ${request.version} of ${request.tableName} has no checks: DQX refuses to save an empty rule set to its Lakebase checks table.`);
    }
    const [schema, table] = target.table.split('.') as [string, string];
    const status = await writeLakebaseChecks(this.db, { schema, table }, lakebaseChecksRows(request.checks, request.tableName));
    return { status, location: `${await currentDatabase(this.db)}.${schema}.${table}` };
  }
}
