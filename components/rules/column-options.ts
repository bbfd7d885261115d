/** The table's columns as suggestions for column pickers, with a hint when the type does not fit. */
import { familyFits, parseSparkType, typeFamily, type CheckParam, type TypeFamily } from './engine';
import type { TableColumn } from './rule-model';
import type { SuggestOption } from './suggest-input';

/** The family of a Spark SQL type string, as the engine's table-aware validation sees it. */
export function columnTypeFamily(type: string): TypeFamily {
  return typeFamily(parseSparkType(type));
}

/** Whether a column of `type` suits the parameter, by the rule the engine's validation applies. */
export function columnFits(param: CheckParam | undefined, type: string): boolean {
  return familyFits(columnTypeFamily(type), param?.columnTypes);
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
