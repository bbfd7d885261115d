/**
 * Spark's `Murmur3Hash` (the SQL `hash()` function, seed 42) for the types an `is_in` profile holds,
 * and the shuffle partition it sends a value to. DQX lists distinct values in the order Spark's
 * hash aggregation returns them; without a LIMIT in the sample plan that is shuffle-partition order.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function mixK1(k1: number): number {
  k1 = Math.imul(k1, C1);
  k1 = rotl(k1, 15);
  return Math.imul(k1, C2);
}

function mixH1(h1: number, k1: number): number {
  h1 ^= k1;
  h1 = rotl(h1, 13);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

function fmix(h1: number, length: number): number {
  h1 ^= length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 | 0;
}

export function sparkHashInt(value: number, seed = 42): number {
  return fmix(mixH1(seed, mixK1(value | 0)), 4);
}

export function sparkHashLong(value: bigint, seed = 42): number {
  const v = BigInt.asUintN(64, value);
  const low = Number(v & 0xffffffffn) | 0;
  const high = Number(v >> 32n) | 0;
  let h1 = mixH1(seed, mixK1(low));
  h1 = mixH1(h1, mixK1(high));
  return fmix(h1, 8);
}

/** `Murmur3_x86_32.hashUnsafeBytes` over the UTF-8 bytes (Spark's variant: tail bytes mixed one by one, signed). */
export function sparkHashString(value: string, seed = 42): number {
  const bytes = new TextEncoder().encode(value);
  const aligned = bytes.length - (bytes.length % 4);
  let h1 = seed;
  for (let i = 0; i < aligned; i += 4) {
    const word = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h1 = mixH1(h1, mixK1(word));
  }
  for (let i = aligned; i < bytes.length; i++) {
    const signed = (bytes[i]! << 24) >> 24;
    h1 = mixH1(h1, mixK1(signed));
  }
  return fmix(h1, bytes.length);
}

/** `pmod(hash(value), partitions)`: the shuffle partition of a value. */
export function sparkPartitionOf(hash: number, partitions: number): number {
  return ((hash % partitions) + partitions) % partitions;
}
