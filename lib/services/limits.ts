/**
 * Per-user limits that keep one user (or one script) from taking the app from everybody else
 * (docs/security.md), each refused with a clear message:
 *
 * - rules per rule set (DQX_MAX_RULES, counted after `for_each_column` expansion): 400;
 * - language-model calls per user per minute (DQX_LLM_CALLS_PER_MINUTE): 429 with Retry-After,
 *   counted in memory in each app process (rate-limiter-flexible's fixed-window counter);
 * - unfinished runs per user (DQX_RUNS_PER_USER) are counted in the store by `createRun`
 *   (./runs.ts), so every app process sees the same count.
 */
import 'server-only';

import { RateLimiterMemory } from 'rate-limiter-flexible';

import type { Caller } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';
import { badRequest, tooManyRequests } from '@/lib/errors';

import { jsonProblem } from './safe-input';

/** Rules a list of checks stands for once `for_each_column` is expanded (counted without validating them). */
export function expandedRuleCount(checks: readonly unknown[]): number {
  let count = 0;
  for (const check of checks) {
    const columns = (check as { check?: { for_each_column?: unknown } } | null)?.check?.for_each_column;
    count += Array.isArray(columns) && columns.length > 0 ? columns.length : 1;
  }
  return count;
}

/** 400 when a rule set is larger than DQX_MAX_RULES (after expansion). */
export function assertRuleCount(checks: readonly unknown[], maxRules = getConfig().limits.maxRules): void {
  const expanded = expandedRuleCount(checks);
  if (checks.length > maxRules || expanded > maxRules) {
    throw badRequest(
      `The rule set has ${expanded} rules (counting each column of for_each_column); at most ${maxRules} are allowed in one rule set (DQX_MAX_RULES).`,
    );
  }
}

/** 400 when rules that did not come through an input schema (an imported file) are not plain, storable JSON. */
export function assertPlainRules(checks: readonly unknown[]): void {
  for (let i = 0; i < checks.length; i++) {
    const problem = jsonProblem(checks[i]);
    if (problem) {
      const path = ['rules', i, ...problem.path].join('.');
      throw badRequest(`Rule ${i + 1} cannot be stored: ${problem.message}.`, {
        issues: [{ path, message: `a rule ${problem.message}` }],
      });
    }
  }
}

const KEY = Symbol.for('dqx.llmRateLimiter');
type Holder = { [KEY]?: { points: number; limiter: RateLimiterMemory } };

function llmLimiter(points: number): RateLimiterMemory {
  const holder = globalThis as Holder;
  if (!holder[KEY] || holder[KEY].points !== points) {
    holder[KEY] = { points, limiter: new RateLimiterMemory({ points, duration: 60, keyPrefix: 'llm' }) };
  }
  return holder[KEY].limiter;
}

/**
 * Count one language-model request of `caller`; 429 with Retry-After past DQX_LLM_CALLS_PER_MINUTE.
 * Call it before the request is sent (or the run that sends it is started).
 */
export async function consumeModelCall(
  caller: Caller,
  perMinute = getConfig().limits.llmCallsPerMinute,
): Promise<void> {
  try {
    await llmLimiter(perMinute).consume(caller.id, 1);
  } catch (error) {
    // a RateLimiterRes: recognised by its shape, since another bundle's copy of the library may have made it
    const msBeforeNext = (error as { msBeforeNext?: unknown } | null)?.msBeforeNext;
    if (typeof msBeforeNext !== 'number' || error instanceof Error) throw error;
    const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    throw tooManyRequests(
      `You have asked the language model ${perMinute} times in the last minute, the most allowed (DQX_LLM_CALLS_PER_MINUTE); try again in ${seconds} s.`,
      seconds,
    );
  }
}
