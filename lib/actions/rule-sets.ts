'use server';
/**
 * Server actions of rule-set versions (history page, validator). Every action returns
 * `ActionResult<T>` (see ./action-result.ts).
 *
 * saveRuleSetAction(input: { table, rules, user_prompt?, ai_summary?, metadata?, generation_run_id? })
 *   data: SavedRuleSetVersion: the new active version (same as saveGeneratedRuleSetAction).
 *
 * activateVersionAction(input: { table, version })
 *   data: Activated { table_name, version, previous_version, activated_by, activated_at } (rollback).
 *   code 'conflict' when that version is already active.
 *
 * diffVersionsAction(input: { table, from, to })
 *   data: RuleSetDiff { from, to, added, removed, changed: [{name, from, to, changed_fields}], unchanged }.
 *
 * listHistoryAction(input: { table, page?, page_size? })
 *   data: RuleSetHistory { table_name, active_version, items (versions, newest first: who, when,
 *         prompt, rule_count, is_active), page, page_size, total, activations }.
 *
 * getVersionAction(input: { table, version })
 *   data: RuleSetVersion (with rules, ai_summary and metadata).
 */
import { z } from 'zod';

import { saveGeneratedRuleSet } from '@/lib/services/generation';
import { SaveGeneratedRuleSetBody, TableNameField } from '@/lib/services/generation-schemas';
import {
  activateRuleSetVersion,
  diffRuleSetVersions,
  getRuleSetHistory,
  getRuleSetVersion,
  type Activated,
  type RuleSetDiff,
  type RuleSetHistory,
  type RuleSetVersion,
  type SavedRuleSetVersion,
} from '@/lib/services/rule-sets';

import { runAction, type ActionResult } from './action-result';
import { savedMessage } from './saved-message';

const version = z.int({ error: 'expected a version number' }).min(1, { error: 'expected a version number' });

export async function saveRuleSetAction(input: z.input<typeof SaveGeneratedRuleSetBody>): Promise<ActionResult<SavedRuleSetVersion>> {
  return runAction(SaveGeneratedRuleSetBody, input, (caller, parsed) => saveGeneratedRuleSet(caller, parsed), {
    revalidate: ['/history', '/validator'],
    message: savedMessage,
  });
}

const Activate = z.strictObject({ table: TableNameField, version });

export async function activateVersionAction(input: z.input<typeof Activate>): Promise<ActionResult<Activated>> {
  return runAction(Activate, input, (caller, { table, version: v }) => activateRuleSetVersion(caller, table, v), {
    revalidate: ['/history', '/validator'],
    message: (a) => `Version ${a.version} is now the active version of ${a.table_name}.`,
  });
}

const Diff = z.strictObject({ table: TableNameField, from: version, to: version });

export async function diffVersionsAction(input: z.input<typeof Diff>): Promise<ActionResult<RuleSetDiff>> {
  return runAction(Diff, input, (caller, { table, from, to }) => diffRuleSetVersions(caller, table, from, to));
}

const History = z.strictObject({
  table: TableNameField,
  page: z.int().min(1).default(1),
  page_size: z.int().min(1).max(100).default(20),
});

export async function listHistoryAction(input: z.input<typeof History>): Promise<ActionResult<RuleSetHistory>> {
  return runAction(History, input, (caller, { table, ...page }) => getRuleSetHistory(caller, table, page));
}

const GetVersion = z.strictObject({ table: TableNameField, version });

export async function getVersionAction(input: z.input<typeof GetVersion>): Promise<ActionResult<RuleSetVersion>> {
  return runAction(GetVersion, input, (caller, { table, version: v }) => getRuleSetVersion(caller, table, v));
}
