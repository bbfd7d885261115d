/**
 * "Your own data": CSV, Parquet and JSON files in the data folder appear as tables of catalog
 * `local`. Files directly in the folder belong to schema `default`; each subfolder is a schema.
 * Hidden files and folders (a leading `.`, such as the state folder `.dqx`) and deeper folders are
 * ignored. Each file becomes a DuckDB view that reads the file, so a query always sees its current
 * contents; the folder is rescanned (at most once per interval) whenever the catalog is listed, and
 * at once when a name is asked for that is not known yet, so new files appear without a restart.
 *
 * A link in the folder is followed only when the file it points to is inside the folder too: a link
 * to a file elsewhere (`/etc/passwd`, a home folder) is listed as a file that cannot be read and is
 * never opened. Views read files by their real path, and the serving DuckDB instance may open exactly
 * those paths and no other (`lockDown()` in `engine.ts`); a file this instance was not opened for
 * marks the catalog `stale`, and the engine replaces the instance with one that may read it.
 */
import fs from 'node:fs';
import path from 'node:path';

import { quoteIdent, quoteQualified, quoteString } from '@/lib/sql/quote';

import { MAX_NAME_LENGTH } from '../names';

export const LOCAL_CATALOG = 'local';
export const DEFAULT_SCHEMA = 'default';

export type FileFormat = 'csv' | 'parquet' | 'json';

/** Longest suffix first, so `orders.csv.gz` is a CSV file named `orders`. */
const SUFFIXES: [string, FileFormat][] = [
  ['.ndjson.gz', 'json'],
  ['.jsonl.gz', 'json'],
  ['.json.gz', 'json'],
  ['.csv.gz', 'csv'],
  ['.tsv.gz', 'csv'],
  ['.parquet', 'parquet'],
  ['.ndjson', 'json'],
  ['.jsonl', 'json'],
  ['.json', 'json'],
  ['.csv', 'csv'],
  ['.tsv', 'csv'],
];

export const SUPPORTED_EXTENSIONS = SUFFIXES.map(([suffix]) => suffix);

export interface LocalFile {
  schema: string;
  table: string;
  /** Absolute path. */
  file: string;
  /** Path relative to the data folder, with `/`, for messages and comments. */
  relative: string;
  format: FileFormat;
  mtimeMs: number;
  size: number;
  /** Why the file is not read at all (a link out of the data folder), or absent. */
  refused?: string;
}

export interface LocalEntry extends LocalFile {
  /** Why the file cannot be read, or null when its view works. */
  error: string | null;
}

/** A file or folder name as a table or schema name: lower case letters, digits and `_`. */
export function sanitiseName(raw: string): string {
  const cleaned = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  return (cleaned || 'unnamed').slice(0, MAX_NAME_LENGTH);
}

function formatOf(fileName: string): { base: string; format: FileFormat } | null {
  const lower = fileName.toLowerCase();
  for (const [suffix, format] of SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) {
      return { base: fileName.slice(0, -suffix.length), format };
    }
  }
  return null;
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Whether `file` (a real path) is inside the folder `root` (a real path). */
function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

const LINK_OUT =
  'it is a link to a file outside the data folder, and links out of the folder are not followed. Copy the file into the folder instead.';

/**
 * The files of the data folder as tables, sorted; name clashes get the format as a suffix. `file`
 * is each file's real path (links resolved); a link whose target is outside the folder is listed
 * with `refused` and its target is never read.
 */
export function scanDataDir(dataDir: string): LocalFile[] {
  const found: LocalFile[] = [];
  let root: string;
  try {
    root = fs.realpathSync(dataDir);
  } catch {
    return [];
  }
  const addFiles = (dir: string, schema: string, relativeDir: string) => {
    const files = listDir(dir)
      .filter((d) => !d.name.startsWith('.') && (d.isFile() || d.isSymbolicLink()))
      .map((d) => d.name)
      .sort();
    const taken = new Set(found.filter((f) => f.schema === schema).map((f) => f.table));
    for (const name of files) {
      const kind = formatOf(name);
      if (!kind) continue;
      let file = path.join(dir, name);
      let stat: fs.Stats;
      let refused: string | undefined;
      try {
        const real = fs.realpathSync(file);
        if (inside(root, real)) {
          file = real;
          stat = fs.statSync(file);
          if (!stat.isFile()) continue;
        } else {
          // Never stat the target either: its size and age are none of the app's business.
          stat = fs.lstatSync(file);
          refused = `The file ${relativeDir ? `${relativeDir}/${name}` : name} cannot be read: ${LINK_OUT}`;
        }
      } catch {
        continue;
      }
      let table = sanitiseName(kind.base);
      if (taken.has(table)) table = sanitiseName(`${kind.base}_${name.slice(kind.base.length + 1)}`);
      let n = 2;
      while (taken.has(table)) table = sanitiseName(`${kind.base}_${n++}`);
      taken.add(table);
      found.push({
        schema,
        table,
        file,
        relative: relativeDir ? `${relativeDir}/${name}` : name,
        format: kind.format,
        mtimeMs: stat.mtimeMs,
        size: stat.size,
        ...(refused ? { refused } : {}),
      });
    }
  };
  addFiles(root, DEFAULT_SCHEMA, '');
  // A link to a folder is not a Dirent directory: linked folders are not followed.
  const folders = listDir(root)
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  for (const folder of folders) addFiles(path.join(root, folder), sanitiseName(folder), folder);
  return found;
}

/** The DuckDB table function that reads a file. */
export function readerSql(file: Pick<LocalFile, 'file' | 'format'>): string {
  const p = quoteString('duckdb', file.file);
  switch (file.format) {
    case 'csv':
      return `read_csv(${p}, auto_detect = true)`;
    case 'parquet':
      return `read_parquet(${p})`;
    case 'json':
      return `read_json_auto(${p})`;
  }
}

/** A DuckDB error as one readable sentence about the file, without the folder's absolute path. */
export function describeReadError(error: unknown, file: Pick<LocalFile, 'file' | 'relative'>): string {
  const raw = error instanceof Error ? error.message : String(error);
  const firstLines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 2)
    .join(' ');
  const withoutPath = firstLines.replaceAll(file.file, file.relative);
  const short = withoutPath.length > 400 ? `${withoutPath.slice(0, 397)}...` : withoutPath;
  return `The file ${file.relative} cannot be read: ${short}`;
}

type Run = (sql: string) => Promise<unknown>;

const key = (schema: string, table: string) => `${schema}\u0000${table}`;

/** The real paths of the folder's files that may be read (what a serving instance is opened for). */
export function readablePaths(dataDir: string): string[] {
  return scanDataDir(dataDir)
    .filter((f) => !f.refused)
    .map((f) => f.file);
}

/** The `local` catalog's registry of files and the views that read them. */
export class LocalCatalog {
  readonly #entries = new Map<string, LocalEntry>();
  #version = 0;
  #lastScan = 0;
  #scanning: Promise<void> | null = null;
  #stale = false;

  /**
   * `readable`: the only files the DuckDB instance behind `run` may open (null: any). A file found
   * outside it gets no view here and makes the catalog `stale`.
   */
  constructor(
    readonly dataDir: string,
    private readonly minIntervalMs: number,
    private readonly readable: ReadonlySet<string> | null = null,
  ) {}

  /** The folder holds a file this catalog's instance may not open: a new instance is needed. */
  get stale(): boolean {
    return this.#stale;
  }

  /** Changes whenever a file appears, disappears or changes. */
  get version(): number {
    return this.#version;
  }

  entries(): LocalEntry[] {
    return [...this.#entries.values()];
  }

  find(schema: string, table: string): LocalEntry | undefined {
    return this.#entries.get(key(schema.toLowerCase(), table.toLowerCase()));
  }

  schemas(): string[] {
    return [...new Set(this.entries().map((e) => e.schema))].sort();
  }

  /** Rescan the folder unless that happened within the interval (or `force`). */
  async refresh(run: Run, force = false): Promise<void> {
    if (this.#scanning) return this.#scanning;
    if (!force && Date.now() - this.#lastScan < this.minIntervalMs) return;
    this.#scanning = this.#sync(run).finally(() => {
      this.#lastScan = Date.now();
      this.#scanning = null;
    });
    return this.#scanning;
  }

  async #sync(run: Run): Promise<void> {
    const files = scanDataDir(this.dataDir);
    const seen = new Set<string>();
    let changed = false;
    const schemasBefore = new Set(this.schemas());

    for (const file of files) {
      if (!file.refused && this.readable && !this.readable.has(file.file)) {
        this.#stale = true;
        continue;
      }
      const k = key(file.schema, file.table);
      seen.add(k);
      const known = this.#entries.get(k);
      if (known && known.file === file.file && known.mtimeMs === file.mtimeMs && known.size === file.size)
        continue;
      changed = true;
      const view = quoteQualified('duckdb', [LOCAL_CATALOG, file.schema, file.table]);
      let error: string | null = file.refused ?? null;
      if (error) {
        await run(`DROP VIEW IF EXISTS ${view}`).catch(() => undefined);
        this.#entries.set(k, { ...file, error });
        continue;
      }
      try {
        await run(`CREATE SCHEMA IF NOT EXISTS ${quoteQualified('duckdb', [LOCAL_CATALOG, file.schema])}`);
        await run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${readerSql(file)}`);
        await run(`COMMENT ON VIEW ${view} IS ${quoteString('duckdb', `File ${file.relative}`)}`);
      } catch (e) {
        error = describeReadError(e, file);
        await run(`DROP VIEW IF EXISTS ${view}`).catch(() => undefined);
      }
      this.#entries.set(k, { ...file, error });
    }

    for (const [k, entry] of this.#entries) {
      if (seen.has(k)) continue;
      changed = true;
      this.#entries.delete(k);
      await run(
        `DROP VIEW IF EXISTS ${quoteQualified('duckdb', [LOCAL_CATALOG, entry.schema, entry.table])}`,
      ).catch(() => undefined);
    }
    const schemasNow = new Set(this.schemas());
    for (const schema of schemasBefore) {
      if (!schemasNow.has(schema) && schema !== 'main') {
        await run(
          `DROP SCHEMA IF EXISTS ${quoteIdent('duckdb', LOCAL_CATALOG)}.${quoteIdent('duckdb', schema)} CASCADE`,
        ).catch(() => undefined);
      }
    }
    if (changed) this.#version++;
  }
}
