import { describe, expect, it } from 'vitest';

import { sparkHashInt, sparkHashLong, sparkHashString, sparkPartitionOf } from './spark-hash';

// Expected values are what Spark 4.0.1's `hash()` and `pmod(hash(x), 200)` returned for these inputs.
describe("Spark's murmur3 hash", () => {
  it('hashes strings by their UTF-8 bytes (tail bytes one by one)', () => {
    const expected: [string, number][] = [
      ['pear', -626285341],
      ['apple', 329715231],
      ['fig', -1574019421],
      ['kiwi', 605626401],
      ['date', -1879963288],
      ['plum', 1386107938],
      ['', 142593372],
      ['é', 2119106806],
      ['abcde', 814637928],
      ['abcdefg', 2132013596],
    ];
    for (const [value, hash] of expected) expect(sparkHashString(value), value).toBe(hash);
  });

  it('hashes bigint and smallint values', () => {
    expect([7n, -3n, 2n ** 40n, -(2n ** 40n)].map((v) => sparkHashLong(v))).toEqual([1293116811, -925101593, -1596767687, 652760627]);
    expect([7, -3].map((v) => sparkHashInt(v))).toEqual([1079293707, -1573329414]);
  });

  it('sends int values to the shuffle partitions Spark does', () => {
    const buckets = [7, 3, 9, 1, 5, 2, 8].map((v) => sparkPartitionOf(sparkHashInt(v), 200));
    expect(buckets).toEqual([107, 51, 89, 43, 66, 174, 103]);
  });
});
