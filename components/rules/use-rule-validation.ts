'use client';

import { useEffect, useMemo, useState } from 'react';

import type { Dialect } from '@/lib/sql/quote';

import { loadValidator, type TableSchema, type ValidationResult, type Validator } from './engine';
import { indexIssues, type IssueIndex } from './rule-issues';
import { rulesOf, type RuleItem } from './rule-model';

const DEBOUNCE_MS = 150;

export interface RuleValidationState {
  /** Issues of the last validated version of the rules (a few keystrokes behind while typing). */
  index: IssueIndex;
  /** The engine is still loading, or the rules changed since the last check. */
  pending: boolean;
  /** The engine could not be loaded or failed: the rules are not checked. */
  failure: string | null;
  /** No errors in the current rules (false while pending). */
  valid: boolean;
  /** How many rules the last finished check covered; null before the first check. */
  checkedCount: number | null;
}

/** The engine's validation of the rules, run in the browser a moment after each change. */
export function useRuleValidation(
  items: readonly RuleItem[],
  table: TableSchema | undefined,
  dialect: Dialect | undefined,
): RuleValidationState {
  const [validator, setValidator] = useState<Validator | null>(null);
  const [loadFailure, setLoadFailure] = useState<string | null>(null);
  const [checked, setChecked] = useState<{
    items: readonly RuleItem[];
    result: ValidationResult | null;
    failure: string | null;
  } | null>(null);

  useEffect(() => {
    let live = true;
    loadValidator().then(
      (v) => live && setValidator(() => v),
      (e: unknown) =>
        live &&
        setLoadFailure(
          `The rule checker could not be loaded (${e instanceof Error ? e.message : String(e)}). Reload the page to try again.`,
        ),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!validator) return;
    const timer = setTimeout(() => {
      try {
        const result = validator(rulesOf(items), {
          ...(table ? { table } : {}),
          ...(dialect ? { dialect } : {}),
        });
        setChecked({ items, result, failure: null });
      } catch (e) {
        setChecked({
          items,
          result: null,
          failure: `The rule checker failed on these rules: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [validator, items, table, dialect]);

  const index = useMemo(() => indexIssues(checked?.items ?? [], checked?.result ?? null), [checked]);
  const pending = !loadFailure && (!validator || checked?.items !== items);
  const failure = loadFailure ?? checked?.failure ?? null;
  return {
    index,
    pending,
    failure,
    valid: !pending && !failure && index.errorCount === 0,
    checkedCount: checked ? checked.items.length : null,
  };
}
