/**
 * Spark SQL type strings (as the Warehouse port reports them) parsed into a small tree, classified the
 * way DQX's profiler classifies pyspark types, and struct columns flattened into `parent.child` fields
 * exactly as `DQProfiler.get_columns_or_fields` does.
 */

export type SparkType =
  | { kind: 'byte' }
  | { kind: 'short' }
  | { kind: 'int' }
  | { kind: 'long' }
  | { kind: 'float' }
  | { kind: 'double' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'binary' }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'timestamp_ntz' }
  | { kind: 'geometry' }
  | { kind: 'geography' }
  | { kind: 'array'; element: SparkType }
  | { kind: 'map'; key: SparkType; value: SparkType }
  | { kind: 'struct'; fields: { name: string; type: SparkType }[] }
  /** Anything else (intervals, variant, void, ...): profiled like DQX profiles any non-text type. */
  | { kind: 'other'; name: string };

const SIMPLE: Record<string, SparkType> = {
  byte: { kind: 'byte' },
  tinyint: { kind: 'byte' },
  short: { kind: 'short' },
  smallint: { kind: 'short' },
  int: { kind: 'int' },
  integer: { kind: 'int' },
  long: { kind: 'long' },
  bigint: { kind: 'long' },
  float: { kind: 'float' },
  real: { kind: 'float' },
  double: { kind: 'double' },
  string: { kind: 'string' },
  boolean: { kind: 'boolean' },
  binary: { kind: 'binary' },
  date: { kind: 'date' },
  timestamp: { kind: 'timestamp' },
  timestamp_ltz: { kind: 'timestamp' },
  timestamp_ntz: { kind: 'timestamp_ntz' },
};

export class SparkTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SparkTypeError';
  }
}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }
  expect(ch: string): void {
    if (this.peek() !== ch) throw new SparkTypeError(`Expected '${ch}' at ${this.pos} in type '${this.text}'`);
    this.pos++;
  }
  word(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) throw new SparkTypeError(`Expected a type name at ${this.pos} in type '${this.text}'`);
    this.pos += m[0].length;
    return m[0];
  }
  number(): number {
    this.skipSpace();
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) throw new SparkTypeError(`Expected a number at ${this.pos} in type '${this.text}'`);
    this.pos += m[0].length;
    return Number(m[0]);
  }
  /** A struct field name: back-quoted (`` `a b` `` with `` `` `` for a quote) or a bare word. */
  fieldName(): string {
    this.skipSpace();
    if (this.text[this.pos] === '`') {
      let out = '';
      this.pos++;
      for (;;) {
        const ch = this.text[this.pos];
        if (ch === undefined) throw new SparkTypeError(`Unterminated field name in type '${this.text}'`);
        if (ch === '`') {
          if (this.text[this.pos + 1] === '`') {
            out += '`';
            this.pos += 2;
            continue;
          }
          this.pos++;
          return out;
        }
        out += ch;
        this.pos++;
      }
    }
    const m = /^[^:\s,<>`]+/.exec(this.text.slice(this.pos));
    if (!m) throw new SparkTypeError(`Expected a field name at ${this.pos} in type '${this.text}'`);
    this.pos += m[0].length;
    return m[0];
  }
  /** Skips `NOT NULL` and `COMMENT '...'` after a struct field type. */
  fieldSuffix(): void {
    for (;;) {
      this.skipSpace();
      const rest = this.text.slice(this.pos);
      const notNull = /^not\s+null\b/i.exec(rest);
      if (notNull) {
        this.pos += notNull[0].length;
        continue;
      }
      const comment = /^comment\s+'((?:[^'\\]|\\.)*)'/i.exec(rest);
      if (comment) {
        this.pos += comment[0].length;
        continue;
      }
      return;
    }
  }
}

function parseOne(r: Reader): SparkType {
  const name = r.word().toLowerCase();
  if (name === 'decimal' || name === 'dec' || name === 'numeric') {
    if (r.peek() === '(') {
      r.expect('(');
      const precision = r.number();
      let scale = 0;
      if (r.peek() === ',') {
        r.expect(',');
        scale = r.number();
      }
      r.expect(')');
      return { kind: 'decimal', precision, scale };
    }
    return { kind: 'decimal', precision: 10, scale: 0 };
  }
  if (name === 'char' || name === 'varchar') {
    if (r.peek() === '(') {
      r.expect('(');
      r.number();
      r.expect(')');
    }
    return { kind: 'string' };
  }
  if (name === 'geometry' || name === 'geography') {
    if (r.peek() === '(') {
      r.expect('(');
      while (r.peek() !== ')' && r.peek() !== undefined) r.pos++;
      r.expect(')');
    }
    return { kind: name };
  }
  if (name === 'array') {
    r.expect('<');
    const element = parseOne(r);
    r.expect('>');
    return { kind: 'array', element };
  }
  if (name === 'map') {
    r.expect('<');
    const key = parseOne(r);
    r.expect(',');
    const value = parseOne(r);
    r.expect('>');
    return { kind: 'map', key, value };
  }
  if (name === 'struct') {
    r.expect('<');
    const fields: { name: string; type: SparkType }[] = [];
    if (r.peek() === '>') {
      r.expect('>');
      return { kind: 'struct', fields };
    }
    for (;;) {
      const fieldName = r.fieldName();
      r.skipSpace();
      if (r.peek() === ':') r.expect(':');
      const type = parseOne(r);
      r.fieldSuffix();
      fields.push({ name: fieldName, type });
      if (r.peek() === ',') {
        r.expect(',');
        continue;
      }
      r.expect('>');
      return { kind: 'struct', fields };
    }
  }
  if (name === 'interval') {
    // interval day to second, interval year to month, ...: keep the words for display.
    const words = [name];
    while (/^[a-z]/i.test(r.peek() ?? '')) words.push(r.word().toLowerCase());
    return { kind: 'other', name: words.join(' ') };
  }
  const simple = SIMPLE[name];
  if (simple) return simple;
  return { kind: 'other', name };
}

export function parseSparkType(text: string): SparkType {
  const r = new Reader(text);
  const type = parseOne(r);
  if (r.peek() !== undefined) throw new SparkTypeError(`Unexpected text at ${r.pos} in type '${text}'`);
  return type;
}

/** pyspark `NumericType` (byte, short, int, long, float, double, decimal). */
export function isNumeric(t: SparkType): boolean {
  return ['byte', 'short', 'int', 'long', 'float', 'double', 'decimal'].includes(t.kind);
}

/** pyspark `IntegralType`. */
export function isIntegral(t: SparkType): boolean {
  return ['byte', 'short', 'int', 'long'].includes(t.kind);
}

/** DQX `is_text`: StringType, CharType, VarcharType. */
export function isText(t: SparkType): boolean {
  return t.kind === 'string';
}

export function isGeospatial(t: SparkType): boolean {
  return t.kind === 'geometry' || t.kind === 'geography';
}

export function isTimestamp(t: SparkType): boolean {
  return t.kind === 'timestamp' || t.kind === 'timestamp_ntz';
}

/** DQX `_supports_distinct`: the types an `is_in` profile can be built for. */
export function supportsDistinctValues(t: SparkType): boolean {
  return t.kind === 'int' || t.kind === 'long' || t.kind === 'short' || t.kind === 'string';
}

/** DQX `_supports_min_max`: dates, timestamps and numeric types except ByteType. */
export function supportsMinMax(t: SparkType): boolean {
  return t.kind === 'date' || isTimestamp(t) || (isNumeric(t) && t.kind !== 'byte');
}

/** Whether `DataFrame.summary()` computes statistics for a column of this type (numeric or string). */
export function inSparkSummary(t: SparkType): boolean {
  return isNumeric(t) || isText(t);
}

/** Whether the engines can compare values of this type for a distinct count. */
export function supportsDistinctCount(t: SparkType): boolean {
  return !isGeospatial(t);
}

/** A profiled field: a top-level column, or a leaf of a struct column named `parent.child`. */
export interface ProfiledField {
  /** DQX's name: the column name, or `parent.child` for a struct field. */
  name: string;
  /** Path from the top-level column to the field. */
  path: string[];
  type: SparkType;
  /** True for top-level columns (they take part in `DataFrame.summary()`). */
  topLevel: boolean;
}

function leaves(prefix: string[], type: SparkType): { path: string[]; type: SparkType }[] {
  if (type.kind !== 'struct') return [{ path: prefix, type }];
  return type.fields.flatMap((f) => leaves([...prefix, f.name], f.type));
}

/** The fields DQX profiles for these columns, in its order: struct columns replaced by their leaves. */
export function flattenFields(columns: { name: string; type: string }[]): ProfiledField[] {
  const out: ProfiledField[] = [];
  for (const column of columns) {
    const type = parseSparkType(column.type);
    if (type.kind !== 'struct') {
      out.push({ name: column.name, path: [column.name], type, topLevel: true });
      continue;
    }
    for (const leaf of leaves([column.name], type)) {
      out.push({ name: leaf.path.join('.'), path: leaf.path, type: leaf.type, topLevel: false });
    }
  }
  return out;
}
