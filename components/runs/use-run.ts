'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

import { getRunAction } from '@/lib/actions/runs';
import type { RunDetail } from '@/lib/services/runs';

import { isTerminal, pollDelay } from './format';

export interface RunState {
  run: RunDetail | null;
  /** Loading the run failed for good (unknown run, no access): stop and say so. */
  error: string | null;
  /** The last poll failed but polling goes on (the server restarting, a network blip). */
  retrying: string | null;
  /** Replace the run with a newer copy (e.g. the answer of a cancel request). */
  refresh: () => void;
}

const FATAL = new Set(['not_found', 'bad_request', 'forbidden', 'unauthorized']);

/**
 * A run, kept up to date by polling `getRunAction` until it is finished: quickly at first, then
 * backing off while nothing changes (see `pollDelay`). The run goes on on the server whatever
 * happens here; leaving the page only stops the polling.
 */
export function useRun(runId: string | null, initial?: RunDetail | null): RunState {
  const [state, setState] = useState<{ id: string | null; run: RunDetail | null; error: string | null; retrying: string | null }>(
    () => ({ id: runId, run: initial && initial.id === runId ? initial : null, error: null, retrying: null }),
  );
  const [nonce, setNonce] = useState(0);
  const lastUpdate = useRef<string | null>(null);

  // A new run id: forget the old run (state adjusted while rendering).
  if (state.id !== runId) {
    setState({ id: runId, run: initial && initial.id === runId ? initial : null, error: null, retrying: null });
  }

  const finished = state.id === runId && state.run !== null && isTerminal(state.run.status);

  useEffect(() => {
    if (!runId || finished) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const tick = async () => {
      let result: Awaited<ReturnType<typeof getRunAction>>;
      try {
        result = await getRunAction({ run_id: runId });
      } catch {
        result = { ok: false, code: 'unavailable', message: 'The server could not be reached.' };
      }
      if (stopped) return;
      if (result.ok) {
        const run = result.data;
        const changed = run.updated_at !== lastUpdate.current;
        lastUpdate.current = run.updated_at;
        attempt = changed ? 0 : attempt + 1;
        setState((s) => (s.id === runId ? { ...s, run, error: null, retrying: null } : s));
        if (isTerminal(run.status)) return;
      } else if (FATAL.has(result.code)) {
        setState((s) => (s.id === runId ? { ...s, error: result.message, retrying: null } : s));
        return;
      } else {
        attempt += 1;
        setState((s) => (s.id === runId ? { ...s, retrying: `${result.message} Trying again…` } : s));
      }
      timer = setTimeout(() => void tick(), pollDelay(attempt));
    };
    // The first poll is immediate unless the server already handed us a fresh copy.
    timer = setTimeout(() => void tick(), state.run ? pollDelay(0) : 0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- restart only for a new run or refresh
  }, [runId, finished, nonce]);

  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  const current = state.id === runId ? state : { run: null, error: null, retrying: null };
  return { run: current.run, error: current.error, retrying: current.retrying, refresh };
}
