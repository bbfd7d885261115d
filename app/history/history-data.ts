import 'server-only';

import type { Caller } from '@/lib/auth';
import { getRuleSetHistory, type RuleSetHistory, type RuleSetVersionSummary } from '@/lib/services/rule-sets';

const PAGE = 100;
const MAX_PAGES = 50;

/** Every version of a table's rule set (newest first), read page by page; plus the active one. */
export async function allVersions(
  caller: Caller,
  table: string,
): Promise<{ table_name: string; active_version: number | null; items: RuleSetVersionSummary[]; activations: RuleSetHistory['activations'] }> {
  const first = await getRuleSetHistory(caller, table, { page: 1, page_size: PAGE });
  const items = [...first.items];
  for (let page = 2; items.length < first.total && page <= MAX_PAGES; page++) {
    const next = await getRuleSetHistory(caller, table, { page, page_size: PAGE });
    if (next.items.length === 0) break;
    items.push(...next.items);
  }
  return { table_name: first.table_name, active_version: first.active_version, items, activations: first.activations };
}

/** A positive whole number from a query parameter, or null. */
export function positiveInt(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,8}$/.test(value)) return null;
  return Number(value);
}

export const oneParam = (value: string | string[] | undefined): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : null;
