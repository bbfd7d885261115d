/**
 * Checks files sent to the server are read in a worker thread: ordinary files read as the engine
 * reads them, hostile ones are refused by the engine's limits or by the time limit, and the event
 * loop keeps serving other work meanwhile.
 */
import { describe, expect, it } from 'vitest';

import { ChecksFormatError } from '@/lib/dqx';
import { AppError } from '@/lib/errors';
import { billionLaughsChecks } from '@/tests/support/hostile-payloads';

import { readChecksFile } from './reader';

describe('readChecksFile', () => {
  it('reads a checks file in YAML and JSON', async () => {
    expect(
      await readChecksFile('- check: {function: is_not_null, arguments: {column: a}}\n  criticality: warn\n'),
    ).toEqual([{ check: { function: 'is_not_null', arguments: { column: 'a' } }, criticality: 'warn' }]);
    expect(
      await readChecksFile('[{"check": {"function": "is_not_null", "arguments": {"column": 2.0}}}]', 'json'),
    ).toEqual([{ check: { function: 'is_not_null', arguments: { column: { __float__: '2.0' } } } }]);
  });

  it('reports an invalid or too large file as a format error, with its line where there is one', async () => {
    const invalid = await readChecksFile('- check:\n    function: [unclosed\n').catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ChecksFormatError);
    expect((invalid as ChecksFormatError).line).toBeGreaterThan(0);
    const bomb = await readChecksFile(billionLaughsChecks()).catch((e: unknown) => e);
    expect(bomb).toBeInstanceOf(ChecksFormatError);
    expect((bomb as Error).message).toMatch(/too large.*nodes/);
  });

  it('stops a file that takes too long, without holding the event loop, and reads the next one', async () => {
    // within every limit of the engine, but slow for the YAML parser: 150,000 tagged items
    const slow = Array.from({ length: 150_000 }, (_, i) => `- !t${i} x`).join('\n');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    const started = Date.now();
    const refused = await readChecksFile(slow, 'yaml', { timeLimitMs: 1_000 }).catch((e: unknown) => e);
    clearInterval(timer);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(400);
    expect((refused as Error).message).toMatch('took longer than 1 s');
    // the timer kept firing while the worker parsed: the event loop was free
    expect(ticks).toBeGreaterThan(((Date.now() - started) / 50) * 0.5);
    expect(await readChecksFile('- check: {function: is_not_null, arguments: {column: b}}\n')).toHaveLength(
      1,
    );
  });
});
