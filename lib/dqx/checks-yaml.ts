/**
 * YAML reading and writing with PyYAML's `safe_load` semantics (YAML 1.1), which is how DQX reads
 * checks files: unquoted `yes`/`no`/`on`/`off` are booleans, `010` is octal, `1e5` is a string
 * (PyYAML floats need a dot), `2024-01-01` is a date, `~` is null, `<<` merges mappings. Values
 * JavaScript cannot hold exactly become the markers of `py-values.ts`.
 *
 * The writer emits block-style YAML whose plain scalars PyYAML resolves to the same values; any
 * string that PyYAML would read as something else is quoted.
 *
 * Reading is bounded (YAML_LIMITS), so that no document can make it use more than a bounded amount
 * of time or memory: the text's size and its nesting of flow collections are checked before the
 * `yaml` package parses it (deep flow nesting costs that parser superlinear time), and after parsing,
 * before anything is built, one pass over the syntax tree counts the aliases and the nodes and depth
 * of the document as it would be once every alias and merge key is expanded (with the size of each
 * anchored node computed once). This is the `yaml` package's own `maxAliasCount` idea, applied to the
 * expanded node count exactly: an alias bomb of 350 bytes that expands to billions of nodes is refused
 * in microseconds, without expanding anything.
 */
import YAML, { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document } from 'yaml';

import {
  formatPyDate,
  formatPyDatetime,
  isMarker,
  pyFloatNumber,
  pyFloatRepr,
  pyIntText,
  pyKind,
  type PyDateTime,
} from './py-values';

/** Limits of a YAML checks file; a document beyond one is refused with a message naming it. */
export const YAML_LIMITS = {
  /** Characters of the document. */
  maxChars: 2_000_000,
  /** Nesting of sequences and mappings (after expanding aliases), and of flow brackets in the text. */
  maxDepth: 64,
  /** Alias nodes (`*name`) in the document. */
  maxAliases: 10_000,
  /** Nodes of the document once every alias and merge key is expanded. */
  maxNodes: 200_000,
} as const;

export type YamlLimits = { [K in keyof typeof YAML_LIMITS]: number };

export class YamlTextError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'YamlTextError';
  }
}

// PyYAML's implicit resolvers (yaml/resolver.py), applied to plain scalars only.
const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT_RE =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const MERGE_RE = /^<<$/;
const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const VALUE_RE = /^=$/;
const TIMESTAMP_RE =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const TIMESTAMP_PARTS =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

function constructInt(text: string): unknown {
  let v = text.replaceAll('_', '');
  let sign = 1n;
  if (v[0] === '-') sign = -1n;
  if (v[0] === '-' || v[0] === '+') v = v.slice(1);
  let n: bigint;
  if (v === '0') n = 0n;
  else if (v.startsWith('0b')) n = BigInt(v);
  else if (v.startsWith('0x')) n = BigInt(v);
  else if (v[0] === '0') n = BigInt('0o' + v.slice(1));
  else if (v.includes(':')) {
    n = 0n;
    let base = 1n;
    for (const part of v.split(':').reverse()) {
      n += BigInt(part) * base;
      base *= 60n;
    }
  } else n = BigInt(v);
  n *= sign;
  const num = Number(n);
  return Number.isSafeInteger(num) ? num : { __int__: n.toString() };
}

function constructFloat(text: string): unknown {
  let v = text.replaceAll('_', '').toLowerCase();
  let sign = 1;
  if (v[0] === '-') sign = -1;
  if (v[0] === '-' || v[0] === '+') v = v.slice(1);
  let n: number;
  if (v === '.inf') n = sign * Infinity;
  else if (v === '.nan') n = NaN;
  else if (v.includes(':')) {
    n = 0;
    let base = 1;
    for (const part of v.split(':').reverse()) {
      n += Number(part) * base;
      base *= 60;
    }
    n *= sign;
  } else n = sign * Number(v);
  if (Number.isFinite(n) && !Number.isInteger(n)) return n;
  return { __float__: pyFloatRepr(n) };
}

function constructTimestamp(text: string): unknown {
  const m = TIMESTAMP_PARTS.exec(text)!;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (m[4] === undefined) {
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
      throw new YamlTextError(`day is out of range for month: ${text}`);
    return { __date__: formatPyDate({ year, month, day }) };
  }
  let fraction = (m[7] ?? '').slice(0, 6);
  fraction = fraction.padEnd(6, '0');
  let offset: number | null = null;
  if (m[9]) {
    const secs = Number(m[10]) * 3600 + Number(m[11] ?? 0) * 60;
    offset = m[9] === '-' ? -secs : secs;
  } else if (m[8]) offset = 0;
  const dt: PyDateTime = {
    kind: 'datetime',
    year,
    month,
    day,
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    microsecond: m[7] ? Number(fraction) : 0,
    offsetSeconds: offset,
  };
  return { __datetime__: formatPyDatetime(dt) };
}

function resolvePlain(text: string): unknown {
  if (BOOL_RE.test(text)) return ['yes', 'true', 'on'].includes(text.toLowerCase());
  if (INT_RE.test(text)) return constructInt(text);
  if (FLOAT_RE.test(text)) return constructFloat(text);
  if (NULL_RE.test(text)) return null;
  if (TIMESTAMP_RE.test(text)) return constructTimestamp(text);
  if (MERGE_RE.test(text)) return { __merge__: true };
  if (VALUE_RE.test(text))
    throw new YamlTextError("could not determine a constructor for the tag 'tag:yaml.org,2002:value'");
  return text;
}

const STD = 'tag:yaml.org,2002:';

function constructTagged(tag: string, text: string): unknown {
  switch (tag) {
    case `${STD}str`:
      return text;
    case `${STD}null`:
      return null;
    case `${STD}bool`:
      if (BOOL_RE.test(text)) return ['yes', 'true', 'on'].includes(text.toLowerCase());
      break;
    case `${STD}int`:
      if (INT_RE.test(text)) return constructInt(text);
      break;
    case `${STD}float`:
      if (FLOAT_RE.test(text) || INT_RE.test(text)) return constructFloat(text);
      break;
    case `${STD}timestamp`:
      if (TIMESTAMP_RE.test(text)) return constructTimestamp(text);
      break;
    default:
      throw new YamlTextError(`could not determine a constructor for the tag '${tag}'`);
  }
  throw new YamlTextError(`invalid value for tag '${tag}': ${text}`);
}

/** What the measuring pass found out about a document: where each alias points. */
interface Shape {
  targets: Map<Alias, unknown>;
}

function convert(shape: Shape, node: unknown, seen: Set<unknown>): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = shape.targets.get(node);
    if (!target) throw new YamlTextError(`found undefined alias ${node.source}`);
    if (seen.has(target)) throw new YamlTextError('recursive alias');
    seen.add(target);
    const out = convert(shape, target, seen);
    seen.delete(target);
    return out;
  }
  if (isScalar(node)) {
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    if (node.tag && node.tag !== '!') return constructTagged(node.tag, text);
    if (node.type === 'PLAIN' && node.tag !== '!') return resolvePlain(text);
    return text;
  }
  if (isSeq(node)) {
    if (node.tag && node.tag !== `${STD}seq`)
      throw new YamlTextError(`could not determine a constructor for the tag '${node.tag}'`);
    return node.items.map((item) => convert(shape, item, seen));
  }
  if (isMap(node)) {
    if (node.tag && node.tag !== `${STD}map`)
      throw new YamlTextError(`could not determine a constructor for the tag '${node.tag}'`);
    const out: Record<string, unknown> = {};
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = convert(shape, pair.key, seen);
      if (isMergeKey(key)) {
        const value = convert(shape, pair.value, seen);
        const sources = Array.isArray(value) ? value : [value];
        for (const source of sources) {
          if (source === null || typeof source !== 'object' || Array.isArray(source) || isMarker(source)) {
            throw new YamlTextError('expected a mapping or list of mappings for merging');
          }
          merged.push(source as Record<string, unknown>);
        }
        continue;
      }
      const k = keyString(key);
      const value = convert(shape, pair.value, seen);
      if (k === '__proto__')
        Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
      else out[k] = value;
    }
    if (merged.length === 0) return out;
    // PyYAML: earlier merge sources win over later ones; explicit keys win over all of them.
    const result: Record<string, unknown> = {};
    for (const source of [...merged].reverse()) Object.assign(result, source);
    return Object.assign(result, out);
  }
  throw new YamlTextError('unsupported YAML node');
}

function isMergeKey(key: unknown): boolean {
  return typeof key === 'object' && key !== null && (key as { __merge__?: boolean }).__merge__ === true;
}

/** Mapping keys become strings; non-string keys keep their Python `str()` rendering. */
function keyString(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'None';
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (typeof key === 'number') return String(key);
  if (isMarker(key)) return Object.values(key)[0] as string;
  throw new YamlTextError('unhashable mapping key');
}

/** 1-based line and column of a character offset (errors carry offsets when prettyErrors is off). */
function linePosition(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

const tooLarge = (what: string) => new YamlTextError(`The document is too large: ${what}.`);

/**
 * The deepest nesting of `[`/`{` in the text, counting every bracket (inside quotes and comments
 * too, so it can only overestimate); stops counting past `limit`.
 */
function flowNesting(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return deepest;
}

/**
 * Walk the syntax tree once, before anything is built: resolve every alias to the last anchor of
 * its name before it (as YAML and PyYAML do), and compute, with each anchored node measured once,
 * the number of nodes and the depth of the document once every alias is expanded. Throws
 * YamlTextError past a limit. Recursion is bounded by `maxDepth`.
 */
function measure(doc: Document, limits: YamlLimits): Shape {
  const anchors = new Map<string, unknown>();
  const targets = new Map<Alias, unknown>();
  const sizes = new Map<unknown, { nodes: number; height: number }>();
  const inProgress = new Set<unknown>();
  let aliases = 0;
  const expandedTooLarge = () => tooLarge(`with its aliases expanded it has more than ${limits.maxNodes} nodes`);

  const visit = (node: unknown, depth: number): { nodes: number; height: number } => {
    if (depth > limits.maxDepth) throw tooLarge(`it is nested more than ${limits.maxDepth} levels deep`);
    if (node === null || node === undefined) return { nodes: 1, height: 0 };
    if (isAlias(node)) {
      if (++aliases > limits.maxAliases) throw tooLarge(`it has more than ${limits.maxAliases} aliases`);
      const target = anchors.get(node.source);
      if (target === undefined) throw new YamlTextError(`found undefined alias ${node.source}`);
      targets.set(node, target);
      if (inProgress.has(target)) throw new YamlTextError('recursive alias');
      const size = sizes.get(target)!;
      if (depth + size.height > limits.maxDepth) {
        throw tooLarge(`with its aliases expanded it is nested more than ${limits.maxDepth} levels deep`);
      }
      return size;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) {
      anchors.set(anchor, node);
      inProgress.add(node);
    }
    let nodes = 1;
    let height = 0;
    const add = (child: unknown) => {
      const size = visit(child, depth + 1);
      nodes += size.nodes;
      height = Math.max(height, size.height + 1);
      if (nodes > limits.maxNodes) throw expandedTooLarge();
    };
    if (isSeq(node)) for (const item of node.items) add(item);
    else if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        add(pair.key);
        add(pair.value);
      }
    }
    const size = { nodes, height };
    if (anchor) {
      inProgress.delete(node);
      sizes.set(node, size);
    }
    return size;
  };

  visit(doc.contents, 0);
  return { targets };
}

/**
 * `yaml.safe_load(text)`. Throws YamlTextError with the position of a syntax error, or naming the
 * limit a document exceeds (YAML_LIMITS).
 */
export function parsePyYaml(text: string, limits: YamlLimits = YAML_LIMITS): unknown {
  if (text.length > limits.maxChars) throw tooLarge(`it has more than ${limits.maxChars} characters`);
  if (flowNesting(text, limits.maxDepth) > limits.maxDepth) {
    throw tooLarge(`it nests brackets ([ or {) more than ${limits.maxDepth} levels deep`);
  }
  let docs: ReturnType<typeof YAML.parseAllDocuments>;
  try {
    docs = YAML.parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, prettyErrors: false });
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(`it is nested more than ${limits.maxDepth} levels deep`);
    throw error;
  }

  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length > 1) throw new YamlTextError('expected a single document in the stream');
  const doc = list[0];
  if (!doc) return null;
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    // the yaml package reports a stack overflow on deep block nesting as a parse error
    if (/Maximum call stack size exceeded/.test(first.message)) throw tooLarge(`it is nested more than ${limits.maxDepth} levels deep`);
    const pos = first.linePos?.[0] ?? linePosition(text, first.pos[0]);
    throw new YamlTextError(`Not valid YAML: ${first.message.split('\n')[0]}`, pos.line, pos.col);
  }
  return convert(measure(doc as Document, limits), doc.contents, new Set());
}

// ---------------------------------------------------------------------------------------------
// Writer

/** Whether PyYAML would read `s`, written as a plain scalar, back as the same string. */
function isSafePlain(s: string): boolean {
  if (s.length === 0) return false;
  if (BOOL_RE.test(s) || INT_RE.test(s) || FLOAT_RE.test(s) || NULL_RE.test(s) || TIMESTAMP_RE.test(s))
    return false;
  if (MERGE_RE.test(s) || VALUE_RE.test(s)) return false;
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/: |:$| #|[,[\]{}]/.test(s)) return false;
  // printable characters only; NEL, LS, PS and BOM are line breaks or special in YAML 1.1
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff)
      return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    if (cp > 0xfffd && cp < 0x10000) return false;
  }
  return true;
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (
      cp < 0x20 ||
      (cp >= 0x7f && cp < 0xa0) ||
      cp === 0x2028 ||
      cp === 0x2029 ||
      cp === 0xfeff ||
      (cp >= 0xd800 && cp <= 0xdfff) ||
      cp === 0xfffe ||
      cp === 0xffff
    ) {
      out += cp <= 0xff ? '\\x' + cp.toString(16).padStart(2, '0') : '\\u' + cp.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

function yamlString(s: string, indent: string): string {
  if (isSafePlain(s)) return s;
  // Multi-line text (SQL expressions) as a literal block when it survives one unchanged.
  if (
    s.includes('\n') &&
    !/^[ \t\n]/.test(s) &&
    !/[ \t]\n|[ \t]$/.test(s) &&
    !/\n\n$/.test(s) &&
    [...s].every((ch) => {
      const cp = ch.codePointAt(0)!;
      return (
        ch === '\n' ||
        (cp >= 0x20 &&
          cp !== 0x7f &&
          !(cp >= 0x80 && cp < 0xa0) &&
          cp !== 0x2028 &&
          cp !== 0x2029 &&
          cp !== 0xfeff &&
          !(cp >= 0xd800 && cp <= 0xdfff))
      );
    })
  ) {
    const chomp = s.endsWith('\n') ? '' : '-';
    const body = (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
    return `|${chomp}\n` + body.map((line) => (line.length ? indent + line : '')).join('\n');
  }
  return doubleQuoted(s);
}

function yamlFloat(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  let r = pyFloatRepr(n).toLowerCase();
  if (!r.includes('.') && r.includes('e')) r = r.replace('e', '.0e');
  return r;
}

function yamlScalar(v: unknown, indent: string): string | null {
  switch (pyKind(v)) {
    case 'none':
      return 'null';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return pyIntText(v);
    case 'float':
      return yamlFloat(pyFloatNumber(v));
    case 'str':
      return yamlString(v as string, indent);
    case 'date':
      return (v as { __date__: string }).__date__;
    case 'datetime':
      return (v as { __datetime__: string }).__datetime__;
    default:
      return null;
  }
}

/** Write model values as block YAML that `yaml.safe_load` reads back to the same values. */
export function stringifyPyYaml(value: unknown): string {
  const isBlock = (v: unknown) => {
    const kind = pyKind(v);
    if (kind === 'list') return (v as unknown[]).length > 0;
    if (kind === 'dict') return Object.values(v as object).some((x) => x !== undefined);
    return kind === 'decimal';
  };
  const inline = (v: unknown, indent: string): string =>
    pyKind(v) === 'list' ? '[]' : (yamlScalar(v, indent) ?? '{}');
  const asNode = (v: unknown): unknown =>
    pyKind(v) === 'decimal' ? { __decimal__: (v as { __decimal__: string }).__decimal__ } : v;
  // Lines of a block node whose first line starts at `indent`.
  const block = (v: unknown, indent: string): string[] => {
    const node = asNode(v);
    if (Array.isArray(node)) {
      const out: string[] = [];
      for (const item of node) {
        if (isBlock(item)) {
          const inner = block(item, indent + '  ');
          out.push(indent + '- ' + inner[0]!.slice(indent.length + 2), ...inner.slice(1));
        } else {
          out.push(`${indent}- ${inline(item, indent + '  ')}`);
        }
      }
      return out;
    }
    const entries = Object.entries(node as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return [indent + '{}'];
    const out: string[] = [];
    for (const [k, x] of entries) {
      const key = isSafePlain(k) ? k : doubleQuoted(k);
      if (isBlock(x)) out.push(`${indent}${key}:`, ...block(x, indent + '  '));
      else {
        const scalar = pyKind(x) === 'list' ? '[]' : (yamlScalar(x, indent + '  ') ?? '{}');

        out.push(`${indent}${key}: ${scalar}`);
      }
    }
    return out;
  };
  if (!isBlock(value)) return inline(value, '  ') + '\n';
  return block(value, '').join('\n') + '\n';
}
