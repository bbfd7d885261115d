/**
 * Input schemas of publishing (issue 15): a table's publishing settings. Shared by the route
 * handlers under /api/v1/rule-sets/{table}/publishing and the server actions.
 */
import { z } from 'zod';

import { isValidTableName } from '@/lib/warehouse/names';

import { cleanText } from './safe-input';
import { parseTableName } from './table-name';

export const MAX_PUBLISH_TARGETS = 10;

/** `/Volumes/<catalog>/<schema>/<volume>/<folders...>/<name>.yml|.yaml|.json`, nothing relative. */
const VOLUME_FILE = /^\/Volumes(\/[^/\u0000-\u001f]+){4,}$/;
const CHECKS_FILE = /\.(ya?ml|json)$/i;
/**
 * `.` or `..`, also percent-encoded (`%2e%2e`): the Files API path is encoded segment by segment,
 * so an encoded one names a file, but a folder that a proxy or tool decodes to `..` has no use.
 */
const isDotSegment = (segment: string) => /^(\.|%2e){1,2}$/i.test(segment);
/** A DuckDB schema or table name of the local checks table: plain lower-case identifiers. */
const LOCAL_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

const ucTable = z.strictObject({
  kind: z.literal('uc_table'),
  table: cleanText(z.string({ error: 'table must be text: catalog.schema.table' }).max(800), 'table')
    .refine(isValidTableName, { error: 'table must be a three-part name: catalog.schema.table' })
    .transform((t) => parseTableName(t).name),
});

const volumeFile = z.strictObject({
  kind: z.literal('volume_file'),
  path: cleanText(
    z
      .string({ error: 'path must be text' })
      .trim()
      .max(1000, { error: 'path must be at most 1000 characters' }),
    'path',
  )
    .refine((p) => VOLUME_FILE.test(p) && !p.split('/').some(isDotSegment), {
      error: 'path must be a file in a Unity Catalog volume: /Volumes/<catalog>/<schema>/<volume>/<file>',
    })
    .refine((p) => CHECKS_FILE.test(p), { error: 'path must end in .yml, .yaml or .json (the checks file format)' }),
});

const localFile = z.strictObject({
  kind: z.literal('local_file'),
  format: z.enum(['yaml', 'json'], { error: "format must be 'yaml' or 'json'" }),
});

const localTable = z.strictObject({
  kind: z.literal('local_table'),
  table: z
    .string({ error: 'table must be text: schema.table' })
    .trim()
    .toLowerCase()
    .refine((t) => t.split('.').length === 2 && t.split('.').every((p) => LOCAL_IDENT.test(p)), {
      error: 'table must be schema.table, each a plain name of letters, digits and _ (for example dqx.checks)',
    }),
});

/** Schemas a Lakebase checks table may not go into: the store's own, Postgres's and the public one. */
export const RESERVED_LAKEBASE_SCHEMAS = new Set(['dqx', 'public', 'information_schema']);
export const DEFAULT_LAKEBASE_TABLE = 'dqx_checks.checks';

const lakebaseTable = z.strictObject({
  kind: z.literal('lakebase_table'),
  table: z
    .string({ error: 'table must be text: schema.table' })
    .trim()
    .toLowerCase()
    .refine((t) => t.split('.').length === 2 && t.split('.').every((p) => LOCAL_IDENT.test(p)), {
      error: `table must be schema.table, each a plain name of letters, digits and _ (for example ${DEFAULT_LAKEBASE_TABLE})`,
    })
    .refine((t) => !RESERVED_LAKEBASE_SCHEMAS.has(t.split('.')[0]!) && !t.startsWith('pg_'), {
      error: `table must be in a schema of its own, not dqx (the rule store's), public, information_schema or pg_*: for example ${DEFAULT_LAKEBASE_TABLE}`,
    }),
});

export const PublishTargetInput = z.discriminatedUnion('kind', [ucTable, volumeFile, localFile, localTable, lakebaseTable], {
  error:
    "kind must be one of 'uc_table', 'volume_file' (databricks mode), 'local_file', 'local_table' (local mode), 'lakebase_table' (a Postgres rule store)",
});

export const PublishSettingsBody = z.strictObject({
  auto_publish: z.boolean({ error: 'auto_publish must be true or false' }),
  targets: z
    .array(PublishTargetInput, { error: 'targets must be a list of publishing targets' })
    .max(MAX_PUBLISH_TARGETS, { error: `at most ${MAX_PUBLISH_TARGETS} targets` }),
});
export type PublishSettingsInput = z.infer<typeof PublishSettingsBody>;
