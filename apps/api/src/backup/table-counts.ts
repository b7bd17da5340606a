import type pg from 'pg';

export interface TableCount {
  /** schema.table, quoted where SQL needs it */
  table: string;
  rows: number;
}

/**
 * The rows of every ordinary table outside PostgreSQL's own schemas (and not an extension's),
 * which is what pg_dump writes the data of. Row security is turned off first, so a role it
 * would apply to gets an error rather than a smaller count.
 */
export async function countRows(client: pg.Client): Promise<TableCount[]> {
  await client.query('SET row_security = off');
  const tables = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  const counts: TableCount[] = [];
  for (const { name } of tables.rows) {
    // the name comes from format('%I.%I'), so it is quoted as an identifier already
    const [{ n }] = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${name}`)).rows;
    counts.push({ table: name, rows: Number(n) });
  }
  return counts;
}

export function totalRows(counts: TableCount[]): number {
  return counts.reduce((sum, count) => sum + count.rows, 0);
}

/** "  public.units   24" lines, names left and counts right-aligned, then a total. */
export function formatCounts(counts: TableCount[]): string[] {
  const nameWidth = Math.max(5, ...counts.map((c) => c.table.length));
  const total = totalRows(counts);
  const countWidth = Math.max(4, String(total).length);
  return [
    `  ${'table'.padEnd(nameWidth)}  ${'rows'.padStart(countWidth)}`,
    ...counts.map((c) => `  ${c.table.padEnd(nameWidth)}  ${String(c.rows).padStart(countWidth)}`),
    `  ${'total'.padEnd(nameWidth)}  ${String(total).padStart(countWidth)}`,
  ];
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
}
