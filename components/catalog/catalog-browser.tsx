import { ChevronRight, Database, FolderTree, Table2 } from 'lucide-react';
import Link from 'next/link';

import { buttonVariants } from '@/components/ui/button';
import { getCaller } from '@/lib/auth';
import { isAppError } from '@/lib/errors';
import { listCatalogs, listSchemas, listTables } from '@/lib/services/catalog';

import { catalogHref, catalogTableHref, generatorHref, historyHref, validatorHref } from './links';
import { TableMessage } from './table-view';

/** catalog › schema › table, each level a link back up; the last one is the current page. */
export function CatalogBreadcrumb({ catalog, schema, table }: { catalog?: string; schema?: string; table?: string }) {
  const levels: { label: string; href: string }[] = [{ label: 'All catalogs', href: catalogHref() }];
  if (catalog !== undefined) levels.push({ label: catalog, href: catalogHref({ catalog }) });
  if (catalog !== undefined && schema !== undefined) levels.push({ label: schema, href: catalogHref({ catalog, schema }) });
  if (catalog !== undefined && schema !== undefined && table !== undefined)
    levels.push({ label: table, href: catalogTableHref(`${catalog}.${schema}.${table}`) });
  return (
    <nav aria-label="Catalog breadcrumb" className="text-sm">
      <ol className="flex flex-wrap items-center gap-1">
        {levels.map((level, i) => {
          const last = i === levels.length - 1;
          return (
            <li key={level.href} className="flex items-center gap-1">
              {i > 0 && <ChevronRight aria-hidden className="text-muted-foreground size-3.5" />}
              {last ? (
                <span aria-current="page" className="font-mono font-medium">
                  {level.label}
                </span>
              ) : (
                <Link className="text-primary font-mono underline-offset-2 hover:underline" href={level.href}>
                  {level.label}
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** Generate, Validate and History for a table: each page opens with the table chosen. */
export function TableActions({ table }: { table: string }) {
  const link = buttonVariants({ variant: 'outline', size: 'sm' });
  return (
    <nav aria-label={`Work with ${table}`} className="flex flex-wrap gap-2">
      <Link className={buttonVariants({ size: 'sm' })} href={generatorHref(table)}>
        Generate rules
      </Link>
      <Link className={link} href={validatorHref(table)}>
        Validate
      </Link>
      <Link className={link} href={historyHref(table)}>
        History
      </Link>
    </nav>
  );
}

type Entry = { name: string; comment: string | null; href: string; detail?: string };

function EntryList({ label, entries, icon: Icon, empty }: { label: string; entries: Entry[]; icon: typeof Database; empty: string }) {
  if (entries.length === 0) return <p className="text-muted-foreground text-sm">{empty}</p>;
  return (
    <ul aria-label={label} className="grid gap-2 sm:grid-cols-2">
      {entries.map((entry) => (
        <li key={entry.href}>
          <Link
            href={entry.href}
            className="hover:bg-accent focus-visible:ring-ring/50 flex h-full gap-3 rounded-md border p-3 outline-none focus-visible:ring-[3px]"
          >
            <Icon aria-hidden className="text-muted-foreground mt-0.5 size-4 shrink-0" />
            <span className="grid gap-1">
              <span className="font-mono text-sm font-medium break-all">{entry.name}</span>
              {(entry.comment || entry.detail) && (
                <span className="text-muted-foreground text-xs">{[entry.detail, entry.comment].filter(Boolean).join(' · ')}</span>
              )}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/**
 * Browse the catalog one level at a time (catalogs, then a catalog's schemas, then a schema's
 * tables), as links in the URL (`?catalog=&schema=`), so every level is a page of its own that
 * the keyboard, the back button and a bookmark reach.
 */
type Level = { label: string; icon: typeof Database; empty: string; entries: Entry[] };

/** The entries of the level shown: catalogs, a catalog's schemas, or a schema's tables. */
async function loadLevel(catalog: string | undefined, schema: string | undefined): Promise<Level> {
  const caller = await getCaller();
  if (catalog === undefined) {
    const catalogs = await listCatalogs(caller);
    return {
      label: 'Catalogs',
      icon: Database,
      empty: 'No catalogs are available to you.',
      entries: catalogs.map((c) => ({ name: c.name, comment: c.comment, href: catalogHref({ catalog: c.name }) })),
    };
  }
  if (schema === undefined) {
    const schemas = await listSchemas(caller, catalog);
    return {
      label: `Schemas of ${catalog}`,
      icon: FolderTree,
      empty: `The catalog ${catalog} has no schema you can see.`,
      entries: schemas.map((s) => ({ name: s.name, comment: s.comment, href: catalogHref({ catalog, schema: s.name }) })),
    };
  }
  const tables = await listTables(caller, catalog, schema);
  return {
    label: `Tables of ${catalog}.${schema}`,
    icon: Table2,
    empty: `The schema ${catalog}.${schema} has no table you can see.`,
    entries: tables.map((t) => ({
      name: t.table,
      comment: t.comment,
      detail: t.availability ? t.availability.message : t.kind === 'table' ? undefined : t.kind,
      href: catalogTableHref(t.full_name),
    })),
  };
}

/**
 * Browse the catalog one level at a time (catalogs, then a catalog's schemas, then a schema's
 * tables), as links in the URL (`?catalog=&schema=`), so every level is a page of its own that
 * the keyboard, the back button and a bookmark reach.
 */
export async function CatalogBrowser({ catalog, schema }: { catalog?: string; schema?: string }) {
  let level: Level | null = null;
  let refusal: { title: string; message: string } | null = null;
  try {
    level = await loadLevel(catalog, schema);
  } catch (error) {
    if (!isAppError(error)) throw error;
    refusal = { title: error.code === 'not_found' ? 'Not found' : 'The catalog cannot be listed', message: error.message };
  }
  return (
    <div className="space-y-3">
      <CatalogBreadcrumb catalog={catalog} schema={schema} />
      {level && <EntryList label={level.label} icon={level.icon} empty={level.empty} entries={level.entries} />}
      {refusal && (
        <TableMessage title={refusal.title}>
          <p>{refusal.message}</p>
          <p>Go back up a level, or search for a table above.</p>
        </TableMessage>
      )}
    </div>
  );
}
