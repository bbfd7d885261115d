/**
 * The regular expressions of DQX's pattern checks (`DQPattern`), as facts: Java regexes for Spark's
 * RLIKE, and for DuckDB (RE2, no look-arounds or back-references) equivalent formulations. Also
 * the IPv6 address grammar of Python's `ipaddress` module, which DQX evaluates in a pandas UDF.
 */

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d{2}|[1-9]?\\d)';
const IPV4_BODY = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
const EMAIL_ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const EMAIL_DOMAIN_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const EMAIL_QTEXT = '[\\x21\\x23-\\x5B\\x5D-\\x7E]';
const EMAIL_QPAIR = '\\\\[\\x09\\x20-\\x7E]';
const URL_SCHEME = '[A-Za-z][A-Za-z0-9+.\\-]*';
const URL_PCT = '%[0-9A-Fa-f]{2}';
const URL_UNRESERVED = "[A-Za-z0-9\\-._~!$&'()*+,;=]";
const URL_USERINFO = `(?:${URL_UNRESERVED}|${URL_PCT}|:)*`;
const URL_HOST = `(?:\\[[A-Fa-f0-9:.]+\\]|(?:${URL_UNRESERVED}|${URL_PCT})*)`;
const URL_AUTHORITY = `(?:${URL_USERINFO}@)?${URL_HOST}(?::\\d*)?`;
const URL_PCHAR = `(?:${URL_UNRESERVED}|${URL_PCT}|[:@])`;
const URL_PATH_ABEMPTY = `(?:/${URL_PCHAR}*)*`;
const URL_PATH_NO_AUTHORITY = `(?:/(?:${URL_PCHAR}+${URL_PATH_ABEMPTY})?|${URL_PCHAR}+${URL_PATH_ABEMPTY})?`;
const URL_QF = `(?:${URL_PCHAR}|[/?])*`;

const EMAIL_LOCAL = `(?:${EMAIL_ATEXT}+(?:\\.${EMAIL_ATEXT}+)*|"(?:${EMAIL_QTEXT}|${EMAIL_QPAIR})*")`;
const EMAIL_DOMAIN = `(?:(?:${EMAIL_DOMAIN_LABEL}\\.)+[A-Za-z]{2,63}|\\[(?:${OCTET}(?:\\.${OCTET}){3}|IPv6:[A-Fa-f0-9:]+)\\])`;

/** DQX's patterns (Java syntax), by DQPattern name. */
export const DQ_PATTERNS = {
  IPV4_ADDRESS: `\\A${IPV4_BODY}\\z`,
  IPV4_CIDR_BLOCK: `\\A${IPV4_BODY}/(3[0-2]|[12]?\\d)\\z`,
  EMAIL_ADDRESS: `\\A(?=.{1,254}\\z)(?=[^@]{1,64}@)${EMAIL_LOCAL}@${EMAIL_DOMAIN}\\z`,
  SSN_US: '\\A(?!000|666|9\\d{2})\\d{3}([- ]?)(?!00)\\d{2}\\1(?!0000)\\d{4}\\z',
  NINO_GB:
    '\\A(?!(?:BG|GB|KN|NK|NT|TN|ZZ))(?!(?:[DFIQUV]))[A-Z](?![DFIOQUV])[A-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[ABCD]\\z',
  PAN_IN: '\\A[A-Z]{3}[ABCFGHJLPT][A-Z]\\d{4}[A-Z]\\z',
  URL: `\\A${URL_SCHEME}:(?://${URL_AUTHORITY}${URL_PATH_ABEMPTY}|${URL_PATH_NO_AUTHORITY})(?:\\?${URL_QF})?(?:#${URL_QF})?\\z`,
  UUID: '\\A[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\\z',
  UUID_STRICT:
    '\\A[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[1-8][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}\\z',
  DECIMAL_NUMBER: '\\A[+-]?(?=\\.?\\d)(\\d*)(?:\\.(\\d*))?(?:[eE]([+-]?\\d+))?\\z',
} as const;

export type DqPatternName = keyof typeof DQ_PATTERNS;

/** A predicate in terms of RE2 regex matches and plain SQL tests, for DuckDB. */
export interface Re2Predicate {
  /** RE2 patterns the whole value must match (partial-match semantics, anchored with \A and \z). */
  matches: string[];
  /** Extra conditions, written with `{v}` for the value. */
  conditions: string[];
}

/** RE2 formulations of the patterns that use look-arounds or back-references in Java. */
export const RE2_PATTERNS: Partial<Record<DqPatternName, Re2Predicate>> = {
  EMAIL_ADDRESS: {
    // (?=.{1,254}\z): the body only admits printable ASCII and tabs, so a length test suffices;
    // (?=[^@]{1,64}@): the first '@' follows 1 to 64 characters.
    matches: [`\\A${EMAIL_LOCAL}@${EMAIL_DOMAIN}\\z`],
    conditions: ['length({v}) <= 254', "instr({v}, '@') BETWEEN 2 AND 65"],
  },
  SSN_US: {
    // the separator is the same twice: three shapes; excluded areas, group and serial as tests
    matches: ['\\A(?:\\d{3}-\\d{2}-\\d{4}|\\d{3} \\d{2} \\d{4}|\\d{9})\\z'],
    conditions: [
      "substr({v}, 1, 3) NOT IN ('000', '666')",
      "substr({v}, 1, 1) <> '9'",
      "substr(replace(replace({v}, '-', ''), ' ', ''), 4, 2) <> '00'",
      "substr(replace(replace({v}, '-', ''), ' ', ''), 6, 4) <> '0000'",
    ],
  },
  NINO_GB: {
    matches: ['\\A[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[ABCD]\\z'],
    conditions: ["substr({v}, 1, 2) NOT IN ('BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ')"],
  },
  DECIMAL_NUMBER: {
    matches: ['\\A[+-]?(\\d*)(?:\\.(\\d*))?(?:[eE]([+-]?\\d+))?\\z', '\\A[+-]?\\.?\\d'],
    conditions: [],
  },
};

/** The RE2 form of DECIMAL_NUMBER with the same capture groups (used with the look-ahead test). */
export const DECIMAL_NUMBER_RE2_GROUPS = '\\A[+-]?(\\d*)(?:\\.(\\d*))?(?:[eE]([+-]?\\d+))?\\z';

// ---------------------------------------------------------------------------------------------
// IPv6 as Python's ipaddress.IPv6Address accepts it

const H = '[0-9a-fA-F]{1,4}';
const V4 =
  '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}';

const hextets = (n: number) => (n === 0 ? '' : n === 1 ? H : `${H}(?::${H}){${n - 1}}`);

function ipv6Shapes(): string[] {
  const shapes = [`${H}(?::${H}){7}`, `(?:${H}:){6}${V4}`];
  for (let left = 0; left <= 7; left++) {
    const rights: string[] = [];
    for (let r = 0; left + r <= 7; r++) rights.push(hextets(r));
    for (let r = 0; left + r + 2 <= 7; r++) rights.push(r === 0 ? V4 : `(?:${H}:){${r}}${V4}`);
    const nonEmpty = rights.filter((x) => x !== '');
    const right = nonEmpty.length ? `(?:${nonEmpty.join('|')})?` : '';
    shapes.push(`${hextets(left)}::${right}`);
  }
  return shapes;
}

/**
 * Python's IPv6 grammar as one regex (valid in Java and RE2): 8 hextets, or 6 and an embedded
 * IPv4 address, or `::` standing for at least one zero hextet; an optional `%scope` without `%`
 * or `/`.
 */
export const IPV6_ADDRESS_PATTERN = `\\A(?:${ipv6Shapes().join('|')})(?:%[^%/]+)?\\z`;
