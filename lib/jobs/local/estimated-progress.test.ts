import { afterEach, describe, expect, it, vi } from 'vitest';

import { ESTIMATE_CAP, estimateText, estimatedFraction, scanEstimateMs, withEstimatedProgress } from './estimated-progress';

afterEach(() => {
  vi.useRealTimers();
});

describe('progress of a long scan against an estimate', () => {
  it('moves every second while the query runs, never reaching the end of the step', async () => {
    vi.useFakeTimers();
    const reports: { fraction: number; message?: string }[] = [];
    const ctx = { within: async (fraction: number, message?: string) => void reports.push({ fraction, message }) };
    let finish!: (value: string) => void;
    const running = withEstimatedProgress(ctx, { estimateMs: 10_000, label: 'Scanning 1,000,000 rows…' }, () => new Promise<string>((r) => (finish = r)));
    for (let s = 0; s < 40; s++) await vi.advanceTimersByTimeAsync(1000);
    finish('done');
    await expect(running).resolves.toBe('done');
    const count = reports.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(reports).toHaveLength(count); // no report once the query is over
    expect(count).toBe(40);
    const fractions = reports.map((r) => r.fraction);
    // strictly increasing until the cap, never past it
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]! >= fractions[i - 1]! && fractions[i]! <= ESTIMATE_CAP).toBe(true);
    expect(fractions[0]).toBeGreaterThan(0.05);
    expect(fractions[9]).toBeGreaterThan(0.6);
    expect(reports[4]!.message).toBe('Scanning 1,000,000 rows… (5 s so far, about 10 s expected)');
    expect(reports[19]!.message).toBe('Scanning 1,000,000 rows… (20 s so far, longer than the 10 s expected)');
  });

  it('estimates from rows and rules', () => {
    expect(scanEstimateMs(1_000_000, 9)).toBeGreaterThan(scanEstimateMs(1_000_000, 1));
    expect(scanEstimateMs(10_000_000, 5)).toBeGreaterThan(scanEstimateMs(1_000_000, 5));
    expect(estimatedFraction(0, 1000)).toBe(0);
    expect(estimatedFraction(1e9, 1000)).toBe(ESTIMATE_CAP);
    expect(estimateText(400, 3000)).toBe('1 s so far, about 3 s expected');
  });
});
