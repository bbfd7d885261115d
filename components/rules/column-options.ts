/** The table's columns as suggestions for column pickers, with a hint when the type does not fit. */
import type { CheckParam } from './engine';
import type { TableColumn } from './rule-model';
import type { SuggestOption } from './suggest-input';

export type TypeFamily =
  | 'string'
  | 'numeric'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'binary'
  | 'array'
  | 'map'
  | 'struct'
  | 'variant'
  | 'other';

/** The family of a Spark SQL type string, as DQX's checks group them. */
export function typeFamily(type: string): TypeFamily {
  const t = type.trim().toLowerCase();
  if (/^(string|varchar|char)\b/.test(t)) return 'string';
  if (
    /^(tinyint|smallint|int|integer|bigint|long|short|byte|float|double|real|decimal|dec|numeric)\b/.test(t)
  ) {
    return 'numeric';
  }
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp')) return 'timestamp';
  if (t === 'binary') return 'binary';
  if (t.startsWith('array')) return 'array';
  if (t.startsWith('map')) return 'map';
  if (t.startsWith('struct')) return 'struct';
  if (t === 'variant') return 'variant';
  return 'other';
}

/** Whether a column of `type` suits the parameter (unknown types are given the benefit of the doubt). */
export function columnFits(param: CheckParam | undefined, type: string): boolean {
  const accepted = param?.columnTypes;
  if (!accepted || accepted.includes('any')) return true;
  const family = typeFamily(type);
  return family === 'other' || (accepted as string[]).includes(family);
}

export function columnOptions(columns: readonly TableColumn[], param?: CheckParam): SuggestOption[] {
  const options = columns.map((c) => {
    const fits = columnFits(param, c.type);
    return {
      value: c.name,
      detail: c.comment ? `${c.type} · ${c.comment}` : c.type,
      ...(fits ? {} : { tag: 'type may not fit' }),
      fits,
    };
  });
  // columns that fit first, otherwise in table order
  return [...options.filter((o) => o.fits), ...options.filter((o) => !o.fits)].map(
    ({ fits: _fits, ...o }) => o,
  );
}
