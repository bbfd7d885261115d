'use client';

import { useCallback, useState } from 'react';

import { externalIssuesFromFieldErrors, type ExternalIssue } from './rule-issues';
import type { RuleItem } from './rule-model';
import type { RuleSetState } from './rule-set-workspace';

const NO_ISSUES: readonly ExternalIssue[] = [];

/**
 * What a page holding a RuleSetWorkspace keeps of it: the rules as the workspace last reported
 * them (`onRulesChange`), and the problems the server found in them when it refused an action,
 * shown at the rules (`externalIssues`) until the rules change.
 */
export function useRuleSetState() {
  const [rules, setRules] = useState<RuleSetState | null>(null);
  const onRulesChange = useCallback((state: RuleSetState) => setRules(state), []);
  const [serverIssues, setServerIssues] = useState<{ items: RuleItem[] | null; list: ExternalIssue[] }>({
    items: null,
    list: [],
  });
  const externalIssues = rules && serverIssues.items === rules.items ? serverIssues.list : NO_ISSUES;
  /** Show the problems among a refused action's field errors at the current rules; returns how many. */
  const reportIssues = (fieldErrors: Record<string, string[]> | undefined): number => {
    const list = externalIssuesFromFieldErrors(fieldErrors);
    setServerIssues({ items: rules?.items ?? null, list });
    return list.length;
  };
  return { rules, onRulesChange, externalIssues, reportIssues };
}
