import { describe, expect, it } from 'vitest';

import { mapRunState } from './run-state';

describe('mapRunState', () => {
  it.each([
    // 2.2 status
    [{ status: { state: 'QUEUED' } }, 'queued', false],
    [{ status: { state: 'PENDING' } }, 'starting', false],
    [{ status: { state: 'RUNNING' } }, 'running', false],
    [{ status: { state: 'TERMINATING' } }, 'stopping', false],
    [{ status: { state: 'BLOCKED' } }, 'blocked', false],
    [{ status: { state: 'WAITING' } }, 'retrying', false],
    [{ status: { state: 'TERMINATED', termination_details: { code: 'SUCCESS' } } }, 'succeeded', true],
    [{ status: { state: 'TERMINATED', termination_details: { code: 'RUN_EXECUTION_ERROR' } } }, 'failed', true],
    [{ status: { state: 'TERMINATED', termination_details: { code: 'USER_CANCELED' } } }, 'canceled', true],
    [{ status: { state: 'TERMINATED', termination_details: { code: 'SKIPPED' } } }, 'skipped', true],
    [{ status: { state: 'TERMINATED', termination_details: { code: 'MAX_JOB_QUEUE_SIZE_EXCEEDED' } } }, 'skipped', true],
    [{ status: { state: 'TERMINATED', termination_details: { code: 'INTERNAL_ERROR' } } }, 'failed', true],
    [{ status: { state: 'TERMINATED', termination_details: { code: 'CANCELED' } }, state: { result_state: 'TIMEDOUT' } }, 'timed_out', true],
    // legacy state only
    [{ state: { life_cycle_state: 'QUEUED' } }, 'queued', false],
    [{ state: { life_cycle_state: 'PENDING' } }, 'starting', false],
    [{ state: { life_cycle_state: 'RUNNING' } }, 'running', false],
    [{ state: { life_cycle_state: 'TERMINATING' } }, 'stopping', false],
    [{ state: { life_cycle_state: 'BLOCKED' } }, 'blocked', false],
    [{ state: { life_cycle_state: 'WAITING_FOR_RETRY' } }, 'retrying', false],
    [{ state: { life_cycle_state: 'SKIPPED' } }, 'skipped', true],
    [{ state: { life_cycle_state: 'INTERNAL_ERROR' } }, 'failed', true],
    [{ state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' } }, 'succeeded', true],
    [{ state: { life_cycle_state: 'TERMINATED', result_state: 'FAILED' } }, 'failed', true],
    [{ state: { life_cycle_state: 'TERMINATED', result_state: 'TIMEDOUT' } }, 'timed_out', true],
    [{ state: { life_cycle_state: 'TERMINATED', result_state: 'CANCELED' } }, 'canceled', true],
    [{ state: { life_cycle_state: 'TERMINATED', result_state: 'MAXIMUM_CONCURRENT_RUNS_REACHED' } }, 'failed', true],
    [{ state: { life_cycle_state: 'TERMINATED', result_state: 'EXCLUDED' } }, 'skipped', true],
    [{ state: { life_cycle_state: 'SOMETHING_NEW' } }, 'failed', true],
    [{}, 'failed', true],
  ])('%j -> %s', (run, state, terminal) => {
    const status = mapRunState(run);
    expect(status.state).toBe(state);
    expect(status.terminal).toBe(terminal);
  });

  it('says why a run is queued and why it ended', () => {
    expect(mapRunState({ status: { state: 'QUEUED', queue_details: { code: 'MAX_CONCURRENT_RUNS_REACHED' } } }).message).toContain('as many runs');
    expect(mapRunState({ state: { life_cycle_state: 'INTERNAL_ERROR', state_message: 'cluster lost' } }).message).toBe('cluster lost');
    expect(mapRunState({ status: { state: 'TERMINATED', termination_details: { code: 'SUCCESS', message: 'ok' } } }).message).toBeNull();
  });

  it('reports times and the run page', () => {
    const status = mapRunState({ status: { state: 'TERMINATED', termination_details: { code: 'SUCCESS' } }, start_time: 1_700_000_000_000, end_time: 1_700_000_060_000, run_page_url: 'https://x/run' });
    expect(status).toMatchObject({ startedAt: '2023-11-14T22:13:20.000Z', endedAt: '2023-11-14T22:14:20.000Z', url: 'https://x/run' });
  });
});
