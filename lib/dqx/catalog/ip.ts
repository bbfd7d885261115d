/** IP address parsing as Python's `ipaddress` module does it (DQX validates CIDR blocks with it). */

/** Python `ipaddress.IPv6Network(cidr, strict=False)` acceptance, with the `/` DQX requires. */
export function isValidIpv6Network(cidr: string): boolean {
  if (!cidr.includes('/')) return false;
  const parts = cidr.split('/');
  if (parts.length !== 2) return false;
  const [addr, prefix] = parts as [string, string];
  if (!parseIpv6(addr)) return false;
  // the netmask may be a prefix length (decimal digits, 0..128) or an IPv6 netmask is not accepted
  if (!/^[0-9]+$/.test(prefix) || prefix.length > 3) return false;
  const n = Number(prefix);
  return n >= 0 && n <= 128;
}

/** Python `ipaddress.IPv6Address(text)` parsing: the 8 hextets as numbers, or null when invalid. */
export function parseIpv6(text: string): number[] | null {
  let addr = text;
  const pct = addr.indexOf('%');
  if (pct >= 0) {
    const scope = addr.slice(pct + 1);
    addr = addr.slice(0, pct);
    if (!scope || scope.includes('%')) return null;
  }
  if (!addr) return null;
  const parts = addr.split(':');
  const minParts = 3;
  if (parts.length < minParts) return null;
  const tail: number[] = [];
  if (parts[parts.length - 1]!.includes('.')) {
    const v4 = parseIpv4Strict(parts.pop()!);
    if (!v4) return null;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    parts.push('0', '0'); // placeholders counted as two hextets
  }
  if (parts.length > 9) return null;
  let skip: number | null = null;
  for (let i = 1; i < parts.length - 1; i++) {
    if (!parts[i]) {
      if (skip !== null) return null;
      skip = i;
    }
  }
  let partsHi: number;
  let partsLo: number;
  let partsSkipped: number;
  if (skip !== null) {
    partsHi = skip;
    partsLo = parts.length - skip - 1;
    if (!parts[0]) {
      partsHi -= 1;
      if (partsHi) return null;
    }
    if (!parts[parts.length - 1]) {
      partsLo -= 1;
      if (partsLo) return null;
    }
    partsSkipped = 8 - (partsHi + partsLo);
    if (partsSkipped < 1) return null;
  } else {
    if (parts.length !== 8) return null;
    if (!parts[0] || !parts[parts.length - 1]) return null;
    partsHi = parts.length;
    partsLo = 0;
    partsSkipped = 0;
  }
  const hextet = (s: string): number | null => (/^[0-9a-fA-F]{1,4}$/.test(s) ? parseInt(s, 16) : null);
  const out: number[] = [];
  for (let i = 0; i < partsHi; i++) {
    const h = hextet(parts[i]!);
    if (h === null) return null;
    out.push(h);
  }
  for (let i = 0; i < partsSkipped; i++) out.push(0);
  for (let i = partsLo; i > 0; i--) {
    const h = hextet(parts[parts.length - i]!);
    if (h === null) return null;
    out.push(h);
  }
  if (tail.length) {
    out.splice(6, 2, ...tail);
  }
  return out.length === 8 ? out : null;
}

/** Python `ipaddress.IPv4Address` parsing (no leading zeros, 4 decimal octets). */
export function parseIpv4Strict(text: string): number[] | null {
  const octets = text.split('.');
  if (octets.length !== 4) return null;
  const out: number[] = [];
  for (const o of octets) {
    if (!/^[0-9]{1,3}$/.test(o)) return null;
    if (o.length > 1 && o[0] === '0') return null;
    const n = Number(o);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}
