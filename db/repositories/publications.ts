/**
 * Publishing settings (`dq_publish_settings`) and the publication log (`dq_publications`).
 * Plain queries: the service decides and validates.
 */
import { sql } from 'kysely';

import type { NewPublication, Publication, PublishSettings } from '../types';

import type { Db } from './rule-sets';

export async function findSettings(db: Db, tableName: string, options: { forUpdate?: boolean } = {}): Promise<PublishSettings | undefined> {
  const q = db.selectFrom('dq_publish_settings').selectAll().where('table_name', '=', tableName);
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

export async function saveSettings(
  db: Db,
  values: { tableName: string; autoPublish: boolean; targets: unknown[]; by: string },
): Promise<PublishSettings> {
  const row = { auto_publish: values.autoPublish, targets: JSON.stringify(values.targets), updated_by: values.by };
  return db
    .insertInto('dq_publish_settings')
    .values({ table_name: values.tableName, ...row })
    .onConflict((oc) => oc.column('table_name').doUpdateSet({ ...row, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertPublication(db: Db, values: NewPublication): Promise<Publication> {
  return db.insertInto('dq_publications').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Newest first. */
export async function listPublications(db: Db, tableName: string, limit: number): Promise<Publication[]> {
  return db
    .selectFrom('dq_publications')
    .selectAll()
    .where('table_name', '=', tableName)
    .orderBy('published_at', 'desc')
    .limit(limit)
    .execute();
}

/** The latest successful publication (published or unchanged) per target, as JSON text of the target. */
export async function latestSuccessfulPerTarget(db: Db, tableName: string): Promise<Publication[]> {
  return db
    .selectFrom('dq_publications')
    .selectAll()
    .distinctOn(sql`target`)
    .where('table_name', '=', tableName)
    .where('status', '<>', 'failed')
    .orderBy(sql`target`)
    .orderBy('published_at', 'desc')
    .execute();
}
