/**
 * Databricks mode's publishing targets, written AS THE CALLER (their forwarded token), so Unity
 * Catalog decides whether they may write there; the app's service principal is never used:
 *
 * - `uc_table`: DQX's checks table in Unity Catalog, through the SQL warehouse: created when
 *   missing, one batch appended per publish (lib/publish/checks-table-sql.ts);
 * - `volume_file`: a YAML or JSON checks file in a volume, through the Files API
 *   (`PUT /api/2.0/fs/directories{dir}`, then `PUT /api/2.0/fs/files{path}?overwrite=true`).
 */
import 'server-only';

import { serializeChecks } from '@/lib/dqx';
import { AppError, badRequest, isAppError } from '@/lib/errors';
import { DatabricksApiError, DatabricksRestClient, type FetchLike } from '@/lib/jobs/databricks/rest-client';
import { parseTableName } from '@/lib/warehouse/names';
import type { Warehouse } from '@/lib/warehouse/port';

import { writeChecksTable } from '../checks-table-writer';
import type { PublishOutcome, PublishRequest, PublishTarget, Publisher } from '../port';

export interface DatabricksPublisherOptions {
  /** The caller's own warehouse (their token). */
  warehouse: Warehouse;
  /** Workspace URL and the caller's token, for the Files API. */
  host: string;
  userToken: () => string;
  fetch?: FetchLike;
}

/** Files API path of a volume file or directory: each segment percent-encoded. */
export function filesApi(kind: 'files' | 'directories', volumePath: string): string {
  return `/api/2.0/fs/${kind}` + volumePath.split('/').map(encodeURIComponent).join('/');
}

export class DatabricksPublisher implements Publisher {
  private readonly rest: DatabricksRestClient;

  constructor(private readonly options: DatabricksPublisherOptions) {
    this.rest = new DatabricksRestClient({
      host: options.host.replace(/\/+$/, ''),
      tokenProvider: async () => options.userToken(),
      onBehalfOfUser: true,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async publish(target: PublishTarget, request: PublishRequest): Promise<PublishOutcome> {
    switch (target.kind) {
      case 'uc_table':
        return this.writeTable(target.table, request);
      case 'volume_file':
        return this.writeVolumeFile(target.path, request);
      default:
        throw new Error(`${target.kind} is not a Databricks publishing target`);
    }
  }

  private async writeTable(table: string, request: PublishRequest): Promise<PublishOutcome> {
    const { warehouse } = this.options;
    if (!warehouse.execute) throw new AppError('unavailable', 'This warehouse cannot write tables.');
    const execute = warehouse.execute.bind(warehouse);
    const status = await writeChecksTable(async (statement) => (await execute(statement)).rows, 'databricks', parseTableName(table), request);
    return { status, location: table };
  }

  private async writeVolumeFile(path: string, request: PublishRequest): Promise<PublishOutcome> {
    const format = /\.json$/i.test(path) ? 'json' : 'yaml';
    const body = new TextEncoder().encode(serializeChecks(request.checks, format));
    const dir = path.slice(0, path.lastIndexOf('/'));
    try {
      await this.rest.put(filesApi('directories', dir));
      await this.rest.putBytes(filesApi('files', path) + '?overwrite=true', body);
    } catch (error) {
      if (!isAppError(error) && error instanceof DatabricksApiError && error.status === 404) {
        throw badRequest(`The volume of ${path} does not exist, or you cannot see it.`);
      }
      throw error;
    }
    return { status: 'published', location: path };
  }
}
