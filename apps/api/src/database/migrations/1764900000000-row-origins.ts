import type { MigrationInterface, QueryRunner } from 'typeorm';

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
const q = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
};

interface FollowUp {
  ledger: string;
  values: Record<string, string>;
}
interface Definition {
  key: string;
  fields: { key: string; type: string; ledger?: string; display?: string }[];
  followUps?: FollowUp[];
}

/**
 * Issue 19, the origin of follow-up rows: every ledger table gets the system link to the row
 * whose follow-up made it (any ledger: origin_ledger, origin_id, and origin_label, what that row
 * said when it did), indexed for "the follow-up rows of this row". New tables get the columns
 * from their CREATE TABLE (libs/ledger-core compile/table-change-sql.ts).
 *
 * Rows made before the link existed keep it where their values tell it: a follow-up that sets a
 * reference to the source row's `id` (the seed's window case → rectification `case_ref: id`)
 * made rows whose history says `follow-up`; each gets that reference as its origin.
 */
export class RowOrigins1764900000000 implements MigrationInterface {
  name = 'RowOrigins1764900000000';

  async up(db: QueryRunner): Promise<void> {
    const ledgers = (await db.query(
      `SELECT l.key, l.table_name, v.definition FROM ledgers l
         JOIN ledger_versions v ON v.ledger_key = l.key AND v.version = l.current_version`,
    )) as { key: string; table_name: string; definition: Definition }[];
    for (const ledger of ledgers) {
      const t = q(ledger.table_name);
      await db.query(
        `ALTER TABLE ${t} ADD COLUMN origin_ledger text, ADD COLUMN origin_id bigint, ADD COLUMN origin_label text`,
      );
      await db.query(
        `CREATE INDEX ${q(`${ledger.table_name}_origin_idx`)} ON ${t} (unit_id, origin_ledger, origin_id) WHERE origin_id IS NOT NULL`,
      );
    }
    const byKey = new Map(ledgers.map((l) => [l.key, l]));
    for (const source of ledgers) {
      for (const followUp of source.definition.followUps ?? []) {
        const target = byKey.get(followUp.ledger);
        if (!target) continue;
        for (const [fieldKey, formula] of Object.entries(followUp.values)) {
          const field = target.definition.fields.find((f) => f.key === fieldKey);
          // a field naming a ledger is a reference to it
          if (formula.trim() !== 'id' || field?.ledger !== source.key) continue;
          const label = field.display
            ? `(SELECT s.${q(field.display)}::text FROM ${q(source.table_name)} s WHERE s.unit_id = t.unit_id AND s.id = t.${q(fieldKey)})`
            : 'NULL';
          await db.query(
            `UPDATE ${q(target.table_name)} t SET origin_ledger = $1, origin_id = t.${q(fieldKey)}, origin_label = ${label}
              WHERE t.${q(fieldKey)} IS NOT NULL AND t.origin_id IS NULL
                AND EXISTS (SELECT 1 FROM row_history h WHERE h.ledger_key = $2 AND h.row_id = t.id
                              AND h.op = 'insert' AND h.source = 'follow-up')`,
            [source.key, target.key],
          );
        }
      }
    }
  }

  async down(db: QueryRunner): Promise<void> {
    const ledgers = (await db.query(`SELECT table_name FROM ledgers`)) as { table_name: string }[];
    for (const { table_name } of ledgers)
      await db.query(
        `ALTER TABLE ${q(table_name)} DROP COLUMN origin_ledger, DROP COLUMN origin_id, DROP COLUMN origin_label`,
      );
  }
}
