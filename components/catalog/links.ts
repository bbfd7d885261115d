/** Where a table (or a level of the catalog) opens in each page: the pages take the table in `?table=`. */
const withQuery = (path: string, query: Record<string, string>) => `${path}?${new URLSearchParams(query).toString()}`;

export const catalogHref = (level: { catalog?: string; schema?: string } = {}) =>
  level.catalog === undefined ? '/catalog' : withQuery('/catalog', level.schema === undefined ? { catalog: level.catalog } : { catalog: level.catalog, schema: level.schema });
export const catalogTableHref = (table: string) => withQuery('/catalog', { table });
export const generatorHref = (table: string) => withQuery('/generator', { table });
export const validatorHref = (table: string) => withQuery('/validator', { table });
export const historyHref = (table: string) => withQuery('/history', { table });
export const auditHref = (table: string) => withQuery('/audit', { table });
