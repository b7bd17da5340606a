import type { MigrationInterface, QueryRunner } from 'typeorm';

// the row-level security rule, frozen as this migration writes it (see 1764200000000-rows.ts)
const UNIT_VISIBLE = '(SELECT taizhang_all_units()) OR unit_id = ANY ((SELECT taizhang_visible_units())::integer[])';

/**
 * Issue 24, figures derived from another ledger (docs/ledger-language.md, "Figures from another
 * ledger"): the clerks' overrides of a derived figure, each with its reason and the live figure
 * it replaced.
 */
export class DerivedFigures1765100000001 implements MigrationInterface {
  name = 'DerivedFigures1765100000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE derived_overrides (
        ledger_key  text NOT NULL,
        row_id      bigint NOT NULL,
        field       text NOT NULL,
        unit_id     integer NOT NULL,
        value       jsonb,
        reason      text NOT NULL,
        derived     jsonb,
        user_id     integer,
        at          timestamptz NOT NULL,
        PRIMARY KEY (ledger_key, row_id, field)
      )`);
    await db.query(`CREATE INDEX derived_overrides_unit_idx ON derived_overrides (ledger_key, unit_id)`);
    await db.query(`ALTER TABLE derived_overrides ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE derived_overrides FORCE ROW LEVEL SECURITY`);
    await db.query(
      `CREATE POLICY unit_isolation ON derived_overrides USING (${UNIT_VISIBLE}) WITH CHECK (${UNIT_VISIBLE})`,
    );
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON derived_overrides TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE derived_overrides`);
  }
}
