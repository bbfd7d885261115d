'use server';
/**
 * Server actions of publishing (History page). Every action returns `ActionResult<T>`.
 *
 * savePublishSettingsAction(input: { table, auto_publish, targets })
 *   data: PublishSettingsDto (the settings as saved); field errors name `targets.<i>.<field>`.
 *
 * publishNowAction(input: { table })
 *   data: PublishResult (one result per target); a failed target fails the action with its message.
 */
import { z } from 'zod';

import { TableNameField } from '@/lib/services/generation-schemas';
import { publishActiveVersion, savePublishSettings, type PublishResult, type PublishSettingsDto } from '@/lib/services/publishing';
import { PublishSettingsBody } from '@/lib/services/publishing-schemas';

import { runAction, type ActionResult } from './action-result';

const Settings = PublishSettingsBody.extend({ table: TableNameField });

export async function savePublishSettingsAction(input: z.input<typeof Settings>): Promise<ActionResult<PublishSettingsDto>> {
  return runAction(Settings, input, (caller, { table, ...settings }) => savePublishSettings(caller, table, settings), {
    revalidate: ['/history'],
    message: (s) => `Publishing settings of ${s.table_name} saved.`,
  });
}

const PublishNow = z.strictObject({ table: TableNameField });

export async function publishNowAction(input: z.input<typeof PublishNow>): Promise<ActionResult<PublishResult>> {
  return runAction(PublishNow, input, (caller, { table }) => publishActiveVersion(caller, table), {
    revalidate: ['/history'],
    message: (r) => {
      const written = r.results.filter((p) => p.status === 'published').length;
      return `Version ${r.version} of ${r.table_name}: written to ${written} of ${r.results.length} targets${written < r.results.length ? ' (the others already held it)' : ''}.`;
    },
  });
}
