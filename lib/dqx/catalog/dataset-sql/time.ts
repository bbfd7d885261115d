/**
 * SQL of DQX's time-window dataset checks (see index.ts).
 *
 * Both checks bucket rows into tumbling windows as Spark's `window(ts, 'N minutes')` does: windows
 * aligned to the epoch on the timestamp's microseconds (floor division, also before 1970), whatever
 * the session time zone. The window is computed here as arithmetic on microseconds in both dialects
 * (`window()` is a grouping construct in Spark SQL and DuckDB's `time_bucket` aligns elsewhere), so
 * both engines put every row in the same window. A NULL timestamp goes to the window of DQX's
 * sentinel `1900-01-01 00:00:00`, as in DQX.
 *
 * "Now" is the statement's current timestamp (DQX's default `current_timestamp()`), not the run-time
 * overwrite: these checks compare with the real clock in DQX too.
 *
 * - `is_data_fresh_per_time_window`: one window count over the same scan (rows partitioned by
 *   window) of the rows passing the row filter, not in the future and, with a lookback, not older
 *   than the lookback; each such row fails when its window counts fewer than the minimum.
 * - `has_no_gaps_per_time_window`: the distinct occupied windows (per group) and the next occupied
 *   window (`lead`), in a grouped subquery over the source joined back on group and window; every
 *   row of a window followed by a gap fails. DQX finds gaps over the whole input (the check has no
 *   row filter); the rule filter only limits the rows reported, which the planner applies.
 */
import { quoteString } from '@/lib/sql/quote';

import type { DatasetSqlContext } from '../../compile/dataset-context';
import type { ColumnValue } from '../../compile/row-context';
import { isMarker, pyKind } from '../../py-values';
import type { SparkType } from '../../spark-types';
import { truthy } from '../helpers';
import type { DatasetBuilder } from './index';

const TIMESTAMP: SparkType = { kind: 'timestamp' };
const SENTINEL = '1900-01-01 00:00:00';

/** A positive Python int argument (DQX raises InvalidParameterError otherwise: a job reports it). */
function positiveInt(ctx: DatasetSqlContext, value: unknown, name: string, required: boolean): number | null {
  if (value === null || value === undefined) {
    if (required) ctx.unsupported(`${name} must be a positive integer`);
    return null;
  }
  const n = pyKind(value) === 'int' ? Number(isMarker(value) ? Object.values(value)[0] : value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    ctx.unsupported(
      `${name} must be a positive integer${required ? '' : ' if provided'} (got ${JSON.stringify(value)}).`,
    );
  return n;
}

/** A window width in microseconds (beyond 2^53 the engines' arithmetic is not exact in JS). */
function widthMicros(ctx: DatasetSqlContext, minutes: number): number {
  const us = minutes * 60_000_000;
  if (!Number.isSafeInteger(us))
    ctx.unsupported(`window_minutes ${minutes} is too large for the SQL path; the rule runs in a DQX job.`);
  return us;
}

/** The checked column, which must be a timestamp or a date for the SQL path. */
function timeColumn(ctx: DatasetSqlContext, raw: unknown): ColumnValue {
  const c = ctx.column(raw);
  const kind = c.type?.kind;
  if (kind !== 'timestamp' && kind !== 'timestamp_ntz' && kind !== 'date')
    ctx.unsupported(
      `The SQL path buckets timestamp and date columns; '${c.raw}' is ${c.type ? `a ${kind}` : 'not a resolved column'}, so the rule runs in a DQX job.`,
    );
  return c;
}

/** The column as a TIMESTAMP (a date at midnight, in the session time zone as in Spark). */
const asTimestamp = (c: ColumnValue) =>
  c.type?.kind === 'timestamp' ? c.sql : `CAST(${c.sql} AS TIMESTAMP)`;

const now = (ctx: DatasetSqlContext) =>
  ctx.dialect === 'duckdb' ? 'CAST(current_timestamp AS TIMESTAMP)' : 'current_timestamp()';

const micros = (ctx: DatasetSqlContext, ts: string) =>
  ctx.dialect === 'duckdb' ? `epoch_us(${ts})` : `unix_micros(${ts})`;

const fromMicros = (ctx: DatasetSqlContext, m: string) =>
  ctx.dialect === 'duckdb' ? `make_timestamp(${m})` : `timestamp_micros(${m})`;

/** Start (epoch microseconds) of the epoch-aligned window of `widthUs` holding timestamp `ts`. */
function windowStartUs(ctx: DatasetSqlContext, ts: string, widthUs: number): string {
  const m = micros(ctx, ts);
  const w = `CAST(${widthUs} AS BIGINT)`;
  // floor to a multiple of the width, also for timestamps before 1970
  return `(${m} - (((${m} % ${w}) + ${w}) % ${w}))`;
}

/** The window start (microseconds) of a row: NULL timestamps take DQX's 1900 sentinel window. */
function rowWindowUs(ctx: DatasetSqlContext, c: ColumnValue, widthUs: number): string {
  return windowStartUs(
    ctx,
    `coalesce(${asTimestamp(c)}, TIMESTAMP ${quoteString(ctx.dialect, SENTINEL)})`,
    widthUs,
  );
}

export const TIME_SQL: Record<string, DatasetBuilder> = {
  is_data_fresh_per_time_window(ctx, args) {
    const lookback = positiveInt(ctx, args.lookback_windows, 'lookback_windows', false);
    const minRecords = positiveInt(ctx, args.min_records_per_window, 'min_records_per_window', true)!;
    const minutes = positiveInt(ctx, args.window_minutes, 'window_minutes', true)!;
    const c = timeColumn(ctx, args.column);
    const widthUs = widthMicros(ctx, minutes);
    const current = now(ctx);
    const parts: string[] = [];
    if (ctx.rowFilter) parts.push(ctx.rowFilter);
    if (lookback !== null) {
      // DQX: x >= from_unixtime(unix_timestamp(now) - lookback seconds), a 'yyyy-MM-dd HH:mm:ss'
      // string Spark casts to the column's type (a date compares with the cutoff's day)
      const seconds = minutes * lookback * 60;
      // (beyond some thousand years the cutoff leaves the engines' timestamp range)
      if (seconds > 1e11)
        ctx.unsupported('The lookback is too long for the SQL path; the rule runs in a DQX job.');
      if (ctx.dialect === 'databricks') {
        parts.push(`(${c.sql} >= from_unixtime(unix_timestamp(${current}) - CAST(${seconds} AS BIGINT)))`);
      } else {
        const cutoff = `(date_trunc('second', ${current}) - to_seconds(CAST(${seconds} AS BIGINT)))`;
        parts.push(
          c.type?.kind === 'date'
            ? `(${c.sql} >= CAST(${cutoff} AS DATE))`
            : `(CAST(${c.sql} AS TIMESTAMP) >= ${cutoff})`,
        );
      }
    }
    parts.push(`(${asTimestamp(c)} <= ${current})`);
    const taking = `(${parts.join(' AND ')})`;
    const start = ctx.id('window_start');
    const count = ctx.id('count');
    const windowUs = rowWindowUs(ctx, c, widthUs);
    return {
      columns: [
        { name: start, sql: fromMicros(ctx, windowUs), type: 'timestamp' },
        {
          name: count,
          sql: `CAST(count(CASE WHEN ${taking} THEN 1 END) OVER (PARTITION BY ${windowUs}) AS BIGINT)`,
          type: 'bigint',
        },
      ],
      condition: `(${count} < ${minRecords} AND ${taking})`,
      message: ctx.concat(
        ctx.lit('Data arrival completeness check failed: only '),
        ctx.str({ sql: count, type: { kind: 'bigint' } }),
        ctx.lit(` records found in ${minutes}-minute interval starting at `),
        ctx.str({ sql: start, type: TIMESTAMP }),
        ctx.lit(' and ending at '),
        ctx.str({
          sql: fromMicros(ctx, `(${micros(ctx, start)} + CAST(${widthUs} AS BIGINT))`),
          type: TIMESTAMP,
        }),
        ctx.lit(`, expected at least ${minRecords} records`),
      ),
    };
  },

  has_no_gaps_per_time_window(ctx, args) {
    const minutes = positiveInt(ctx, args.window_minutes, 'window_minutes', true)!;
    if (args.group_by !== undefined && args.group_by !== null && !Array.isArray(args.group_by))
      ctx.unsupported('group_by must be a list of column names or column expressions');
    const trailing = truthy(args.trailing_gap);
    const c = timeColumn(ctx, args.column);
    const groups = ((args.group_by as unknown[] | null | undefined) ?? []).map((g) => {
      // DQX selects and joins on the group_by names as columns: a top-level column of the table
      const name = typeof g === 'string' ? g : '';
      if (!ctx.table.columns.some((t) => t.name.toLowerCase() === name.toLowerCase()))
        ctx.unsupported(`group_by '${String(g)}' is not a column of the table; DQX cannot select it either.`);
      return ctx.column(name);
    });
    const widthUs = widthMicros(ctx, minutes);
    const w = `CAST(${widthUs} AS BIGINT)`;
    const src = ctx.id('gap_src');
    const windows = ctx.id('gap_windows');
    const gaps = ctx.id('gaps');
    const keys = groups.map((_, i) => ctx.id(`gap_g${i}`));
    const ws = ctx.id('gap_ws');
    const lead = ctx.id('gap_lead');
    const next = ctx.id('gap_next');
    const isTrailing = ctx.id('gap_is_trailing');
    const flag = ctx.id('gap_flag');
    const windowUs = rowWindowUs(ctx, c, widthUs);
    const partition = keys.length ? `PARTITION BY ${keys.join(', ')} ` : '';
    const anchorUs = windowStartUs(ctx, now(ctx), widthUs);
    const nextUs = trailing ? `coalesce(${lead}, ${anchorUs})` : lead;
    const distinct =
      `SELECT DISTINCT ${[...groups.map((g, i) => `${g.sql} AS ${keys[i]}`), `${windowUs} AS ${ws}`].join(', ')} ` +
      `FROM ${ctx.source} AS ${src} WHERE ${c.sql} IS NOT NULL`;
    const withLead = `SELECT ${[...keys, ws].join(', ')}, lead(${ws}) OVER (${partition}ORDER BY ${ws}) AS ${lead} FROM (${distinct}) AS ${windows}`;
    const outputs = [
      ...keys,
      ws,
      `${nextUs} AS ${next}`,
      ...(trailing ? [`(${lead} IS NULL) AS ${isTrailing}`] : []),
      `(${nextUs} IS NOT NULL AND ${nextUs} - ${ws} > ${w}) AS ${flag}`,
    ];
    const subquery = `SELECT ${outputs.join(', ')} FROM (${withLead}) AS ${windows}`;
    const nullSafe = ctx.dialect === 'duckdb' ? 'IS NOT DISTINCT FROM' : '<=>';
    const on = [
      ...groups.map((g, i) => `${gaps}.${keys[i]} ${nullSafe} ${g.sql}`),
      `${gaps}.${ws} = ${windowUs}`,
    ];
    const start = ctx.id('window_start');
    const nextStart = ctx.id('next_window_start');
    const failed = ctx.id('gap');
    const trailingCol = ctx.id('trailing');
    const phrase = trailing
      ? `CASE WHEN ${trailingCol} THEN ${ctx.lit(' and the current time; the current window starts at ')} ELSE ${ctx.lit(' and the next present window starting at ')} END`
      : ctx.lit(' and the next present window starting at ');
    return {
      columns: [
        { name: start, sql: fromMicros(ctx, windowUs), type: 'timestamp' },
        { name: nextStart, sql: fromMicros(ctx, `${gaps}.${next}`), type: 'timestamp' },
        ...(trailing ? [{ name: trailingCol, sql: `${gaps}.${isTrailing}`, type: 'boolean' }] : []),
        { name: failed, sql: `${gaps}.${flag}`, type: 'boolean' },
      ],
      joins: [`LEFT JOIN (${subquery}) AS ${gaps} ON ${on.join(' AND ')}`],
      condition: failed,
      message: ctx.concat(
        ctx.lit('Gap in time series: no data between the window starting at '),
        ctx.str({ sql: start, type: TIMESTAMP }),
        phrase,
        ctx.str({ sql: nextStart, type: TIMESTAMP }),
      ),
    };
  },
};
