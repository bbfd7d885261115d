/**
 * Spark SQL data types: parsing the type strings the Warehouse port reports (`decimal(10,2)`,
 * `array<string>`, `struct<a:int,b:string>`, ...) and DDL schemas (`a INT, b STRING NOT NULL`),
 * Spark's `simpleString` rendering, and the type families table-aware validation works with.
 */
import type { ColumnTypeFamily } from './catalog/types';

export type SparkType =
  | { kind: 'string' }
  | { kind: 'varchar'; length: number }
  | { kind: 'char'; length: number }
  | { kind: 'tinyint' }
  | { kind: 'smallint' }
  | { kind: 'int' }
  | { kind: 'bigint' }
  | { kind: 'float' }
  | { kind: 'double' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'timestamp_ntz' }
  | { kind: 'binary' }
  | { kind: 'void' }
  | { kind: 'variant' }
  | { kind: 'interval'; text: string }
  | { kind: 'array'; element: SparkType; containsNull: boolean }
  | { kind: 'map'; key: SparkType; value: SparkType }
  | { kind: 'struct'; fields: SparkField[] }
  | { kind: 'unknown'; text: string };

export interface SparkField {
  name: string;
  type: SparkType;
  nullable: boolean;
  comment?: string;
}

export class SparkTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SparkTypeError';
  }
}

const SIMPLE: Record<string, SparkType> = {
  string: { kind: 'string' },
  tinyint: { kind: 'tinyint' },
  byte: { kind: 'tinyint' },
  smallint: { kind: 'smallint' },
  short: { kind: 'smallint' },
  int: { kind: 'int' },
  integer: { kind: 'int' },
  bigint: { kind: 'bigint' },
  long: { kind: 'bigint' },
  float: { kind: 'float' },
  real: { kind: 'float' },
  double: { kind: 'double' },
  boolean: { kind: 'boolean' },
  bool: { kind: 'boolean' },
  date: { kind: 'date' },
  timestamp: { kind: 'timestamp' },
  timestamp_ltz: { kind: 'timestamp' },
  timestamp_ntz: { kind: 'timestamp_ntz' },
  binary: { kind: 'binary' },
  void: { kind: 'void' },
  variant: { kind: 'variant' },
};

/**
 * How forgiving the parser is. Strict (the default) follows Spark's own parser: an unsupported type
 * name anywhere is an error. `keepUnknown` reads type strings the way warehouses print them for the
 * profiler: an unfamiliar type name (with any `(...)` arguments, e.g. `geometry(4326)`) becomes an
 * `unknown` node where it stands, `char`/`varchar` may come without a length (then `string`), and
 * unquoted struct field names may hold any character but white space, `:`, `,`, `<`, `>` and `` ` ``.
 */
interface ParseMode {
  keepUnknown: boolean;
}

const STRICT: ParseMode = { keepUnknown: false };

class TypeParser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly mode: ParseMode = STRICT,
  ) {}

  ws() {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  peek(s: string): boolean {
    this.ws();
    return this.text.slice(this.pos, this.pos + s.length).toLowerCase() === s.toLowerCase();
  }

  eat(s: string) {
    if (!this.peek(s)) throw new SparkTypeError(`Expected '${s}' at position ${this.pos} in '${this.text}'`);
    this.pos += s.length;
  }

  word(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) throw new SparkTypeError(`Expected a type name at position ${this.pos} in '${this.text}'`);
    this.pos += m[0].length;
    return m[0];
  }

  identifier(): string {
    this.ws();
    if (this.text[this.pos] === '`') {
      let out = '';
      this.pos++;
      for (;;) {
        const ch = this.text[this.pos];
        if (ch === undefined) throw new SparkTypeError(`Unclosed back-quote in '${this.text}'`);
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
    const bare = this.mode.keepUnknown ? /^[^:\s,<>`]+/ : /^[\p{L}\p{N}_]+/u;
    const m = bare.exec(this.text.slice(this.pos));
    if (!m) throw new SparkTypeError(`Expected a field name at position ${this.pos} in '${this.text}'`);
    this.pos += m[0].length;
    return m[0];
  }

  int(): number {
    this.ws();
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) throw new SparkTypeError(`Expected a number at position ${this.pos} in '${this.text}'`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  type(): SparkType {
    const name = this.word().toLowerCase();
    if (name === 'array') {
      this.eat('<');
      const element = this.type();
      this.eat('>');
      return { kind: 'array', element, containsNull: true };
    }
    if (name === 'map') {
      this.eat('<');
      const key = this.type();
      this.eat(',');
      const value = this.type();
      this.eat('>');
      return { kind: 'map', key, value };
    }
    if (name === 'struct') {
      this.eat('<');
      const fields = this.peek('>') ? [] : this.fields();
      this.eat('>');
      return { kind: 'struct', fields };
    }
    if (name === 'decimal' || name === 'dec' || name === 'numeric') {
      if (this.peek('(')) {
        this.eat('(');
        const precision = this.int();
        let scale = 0;
        if (this.peek(',')) {
          this.eat(',');
          scale = this.int();
        }
        this.eat(')');
        return { kind: 'decimal', precision, scale };
      }
      return { kind: 'decimal', precision: 10, scale: 0 };
    }
    if (name === 'varchar' || name === 'char' || name === 'character') {
      if (this.mode.keepUnknown && !this.peek('(')) return { kind: 'string' };
      this.eat('(');
      const length = this.int();
      this.eat(')');
      return name === 'varchar' ? { kind: 'varchar', length } : { kind: 'char', length };
    }
    if (name === 'interval') {
      const start = this.pos;
      while (this.pos < this.text.length && !/[,>]/.test(this.text[this.pos]!)) this.pos++;
      return { kind: 'interval', text: ('interval' + this.text.slice(start, this.pos)).trim().toLowerCase() };
    }
    const simple = SIMPLE[name];
    if (simple) return simple;
    if (this.mode.keepUnknown) return { kind: 'unknown', text: name + this.typeArguments() };
    throw new SparkTypeError(`Unsupported data type '${name}' in '${this.text}'`);
  }

  /** The `(...)` after a type name, as written, or '' when there is none. */
  typeArguments(): string {
    if (!this.peek('(')) return '';
    const start = this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== ')') this.pos++;
    this.eat(')');
    return this.text.slice(start, this.pos);
  }

  /** `name[:] type [NOT NULL] [COMMENT '...']`, separated by commas: a struct's or a DDL schema's fields. */
  fields(): SparkField[] {
    const fields: SparkField[] = [];
    for (;;) {
      const name = this.identifier();
      this.ws();
      if (this.text[this.pos] === ':') this.pos++;
      const type = this.type();
      const nullable = !this.notNull();
      const comment = this.comment();
      fields.push({ name, type, nullable, ...(comment !== undefined ? { comment } : {}) });
      if (!this.peek(',')) return fields;
      this.eat(',');
    }
  }

  notNull(): boolean {
    this.ws();
    const m = /^not\s+null\b/i.exec(this.text.slice(this.pos));
    if (m) {
      this.pos += m[0].length;
      return true;
    }
    return false;
  }

  comment(): string | undefined {
    this.ws();
    const m = /^comment\s+'((?:[^'\\]|\\.)*)'/i.exec(this.text.slice(this.pos));
    if (m) {
      this.pos += m[0].length;
      return m[1];
    }
    return undefined;
  }

  end() {
    this.ws();
    if (this.pos !== this.text.length)
      throw new SparkTypeError(`Unexpected '${this.text.slice(this.pos)}' in '${this.text}'`);
  }
}

/** The whole text as one type; throws SparkTypeError when it is not. */
function parseWhole(text: string, mode: ParseMode = STRICT): SparkType {
  const p = new TypeParser(text, mode);
  const t = p.type();
  p.end();
  return t;
}

/** Parse a Spark type string as reported by a warehouse. Unknown types become `{kind:'unknown'}`. */
export function parseSparkType(text: string): SparkType {
  try {
    return parseWhole(text);
  } catch {
    return { kind: 'unknown', text };
  }
}

/**
 * Parse a Spark type string as a warehouse reports it, keeping what the parser does not know as
 * `unknown` nodes where they stand (so `struct<a:int,b:geometry(4326)>` is still a struct with an
 * `int` field), as the profiler needs to flatten and classify every field. Throws SparkTypeError
 * when the text is malformed.
 */
export function parseSparkTypeKeepingUnknown(text: string): SparkType {
  return parseWhole(text, { keepUnknown: true });
}

/**
 * Parse a schema the way PySpark's `_parse_datatype_string` does: a type (`struct<a:int>`), or a
 * comma-separated field list (`a INT, b STRING NOT NULL`), where a bare list becomes a struct.
 * Throws SparkTypeError when the text does not parse.
 */
export function parseSchemaDdl(text: string): SparkType {
  try {
    return parseWhole(text);
  } catch {
    // not a single type: a field list
  }
  const p = new TypeParser(text);
  p.ws();
  if (p.pos === text.length) return { kind: 'struct', fields: [] };
  const fields = p.fields();
  p.end();
  return { kind: 'struct', fields };
}

/** Spark's `DataType.simpleString`. */
export function simpleString(t: SparkType): string {
  switch (t.kind) {
    case 'array':
      return `array<${simpleString(t.element)}>`;
    case 'map':
      return `map<${simpleString(t.key)},${simpleString(t.value)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${simpleString(f.type)}`).join(',')}>`;
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'varchar':
      return `varchar(${t.length})`;
    case 'char':
      return `char(${t.length})`;
    case 'interval':
      return t.text;
    case 'unknown':
      return t.text;
    default:
      return t.kind;
  }
}

/**
 * The family of a Spark type, as DQX's checks group the types they accept: the check catalog's
 * families (`CheckParam.columnTypes`) without its `any`, plus `other` for types in none of them.
 */
export type TypeFamily = Exclude<ColumnTypeFamily, 'any'> | 'other';

export function typeFamily(t: SparkType): TypeFamily {
  switch (t.kind) {
    case 'string':
    case 'varchar':
    case 'char':
      return 'string';
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'float':
    case 'double':
    case 'decimal':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'timestamp':
    case 'timestamp_ntz':
      return 'timestamp';
    case 'binary':
      return 'binary';
    case 'array':
      return 'array';
    case 'map':
      return 'map';
    case 'struct':
      return 'struct';
    case 'variant':
      return 'variant';
    default:
      return 'other';
  }
}

/**
 * Whether a column of this family suits a check parameter accepting `accepted` (no list, or `any`,
 * accepts everything). `other` always fits: a type the engine cannot place gets the benefit of the
 * doubt, and DQX decides when it runs.
 */
export function familyFits(family: TypeFamily, accepted: readonly ColumnTypeFamily[] | undefined): boolean {
  return !accepted || accepted.includes('any') || family === 'other' || accepted.includes(family);
}

/** The type of a nested field path inside a struct type, or null. Names compare case-insensitively. */
export function fieldType(t: SparkType, path: string[]): SparkType | null {
  let current: SparkType = t;
  for (const segment of path) {
    if (current.kind !== 'struct') return null;
    const f = current.fields.find((x) => x.name.toLowerCase() === segment.toLowerCase());
    if (!f) return null;
    current = f.type;
  }
  return current;
}
