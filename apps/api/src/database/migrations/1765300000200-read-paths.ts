import type { MigrationInterface, QueryRunner } from 'typeorm';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const q = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
};

/** FNV-1a, 32 bits, as ledger-core's sql-names.ts names indexes (frozen here: a migration keeps its own text). */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

interface Definition {
  periodField?: string;
  dimensions?: { kind: string; field?: string }[];
  fields: { id?: string; key: string }[];
}
interface State {
  columns: { fieldId: string; column: string; constraints: Record<string, unknown> }[];
}

/**
 * Issue 25, the read path:
 *
 * - The row-level security functions are PARALLEL SAFE (they read settings, which parallel
 *   workers get from the leader), so that counts and statistics under the forced policy keep
 *   PostgreSQL's parallel plans: a query that calls a PARALLEL UNSAFE function (the default) is
 *   planned without workers.
 * - Every ledger table gets the index a page of one unit in the ledger's date order needs,
 *   (unit_id, <date> DESC NULLS LAST, id DESC) over live rows, and its stored state says so
 *   (`unitOrdered`), as compileLedger now makes it for new tables and versions (ledger-core
 *   compile/table-state.ts). The ledger's date is ledger-core's rule (ledgerDateKey), as of now:
 *   the period field, else the first day/week/month dimension's field, else the first date or
 *   datetime field.
 */
export class ReadPaths1765300000200 implements MigrationInterface {
  name = 'ReadPaths1765300000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER FUNCTION taizhang_all_units() PARALLEL SAFE`);
    await db.query(`ALTER FUNCTION taizhang_visible_units() PARALLEL SAFE`);

    const ledgers = (await db.query(
      `SELECT l.key, l.table_name, l.state, v.definition FROM ledgers l
         JOIN ledger_versions v ON v.ledger_key = l.key AND v.version = l.current_version`,
    )) as { key: string; table_name: string; state: State; definition: Definition }[];
    for (const ledger of ledgers) {
      const { definition, state } = ledger;
      // a date or datetime field is a column of those SQL types (the field types are not named here)
      const timeColumns = new Set(
        (
          (await db.query(
            `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
                AND format_type(atttypid, atttypmod) IN ('date', 'timestamp with time zone')`,
            [ledger.table_name],
          )) as { attname: string }[]
        ).map((a) => a.attname),
      );
      const dateKey =
        definition.periodField ??
        definition.dimensions?.find((d) => ['day', 'week', 'month'].includes(d.kind) && d.field)?.field ??
        definition.fields.find((f) => timeColumns.has(f.key))?.key;
      const column = state.columns.find((c) => c.column === dateKey);
      if (!column || column.constraints.unitOrdered) continue;
      const index = `tzo_${shortHash(`${ledger.table_name}.${column.fieldId}`)}`;
      await db.query(
        `CREATE INDEX IF NOT EXISTS ${q(index)} ON ${q(ledger.table_name)} (unit_id, ${q(column.column)} DESC NULLS LAST, id DESC) WHERE deleted_at IS NULL`,
      );
      column.constraints.unitOrdered = true;
      await db.query(`UPDATE ledgers SET state = $2 WHERE key = $1`, [ledger.key, JSON.stringify(state)]);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER FUNCTION taizhang_all_units() PARALLEL UNSAFE`);
    await db.query(`ALTER FUNCTION taizhang_visible_units() PARALLEL UNSAFE`);
  }
}
