import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One form for every write of a ledger row:
 * - row_history says why each change was made (`source`: save, import, public, follow-up, seed,
 *   restore), beside who made it, so the history and the audit log tell a clerk's save from an
 *   import, an anonymous answer or a row the closed loop made; earlier entries are given the
 *   source their form shows (no author: seed; a restore: restore; else a save);
 * - a submitted sheet keeps the number of rows it was submitted with (`Sheet.rowCount`).
 */
export class WriteSources1764600000000 implements MigrationInterface {
  name = 'WriteSources1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE row_history ADD COLUMN source text`);
    // every unit's entries (row-level security binds the owner too)
    await db.query(`SELECT set_config('taizhang.all_units', 'on', false)`);
    await db.query(`
      UPDATE row_history SET source = CASE
        WHEN op = 'restore' THEN 'restore'
        WHEN changed_by IS NULL THEN 'seed'
        ELSE 'save' END`);
    await db.query(`SELECT set_config('taizhang.all_units', '', false)`);
    await db.query(`ALTER TABLE row_history ALTER COLUMN source SET NOT NULL`);
    await db.query(
      `ALTER TABLE row_history ADD CONSTRAINT row_history_source_check
         CHECK (source IN ('save', 'import', 'public', 'follow-up', 'seed', 'restore'))`,
    );
    // null for sheets submitted before: their rows, locked since, are counted live
    await db.query(`ALTER TABLE sheets ADD COLUMN row_count integer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE sheets DROP COLUMN row_count`);
    await db.query(`ALTER TABLE row_history DROP COLUMN source`);
  }
}
