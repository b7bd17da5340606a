import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22, views (docs/views.md): a ledger's saved views of the grid — a user's personal ones and
 * the shared ones an admin publishes for everyone who fills or reads the ledger. `config` is the
 * JSON the API checked against the ledger's definition when it was saved (filter, orderBy, hidden,
 * order, frozen, rowHeight). `is_default`: a shared view the ledger opens with for everyone, or a
 * personal view its owner's grid opens with instead; at most one of each, enforced here as well as
 * by the service, so two admins at once cannot make two.
 */
export class LedgerViews1765500000000 implements MigrationInterface {
  name = 'LedgerViews1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ledger_views (
        id          bigserial PRIMARY KEY,
        ledger_key  text NOT NULL,
        name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
        shared      boolean NOT NULL,
        owner_id    integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        config      jsonb NOT NULL CHECK (jsonb_typeof(config) = 'object'),
        is_default  boolean NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  integer REFERENCES users(id) ON DELETE SET NULL
      )`);
    // views(ledger): the caller's personal views and the ledger's shared ones
    await db.query(`CREATE INDEX ledger_views_owner_idx ON ledger_views (ledger_key, owner_id) WHERE NOT shared`);
    await db.query(`CREATE INDEX ledger_views_shared_idx ON ledger_views (ledger_key) WHERE shared`);
    await db.query(
      `CREATE UNIQUE INDEX ledger_views_shared_default_idx ON ledger_views (ledger_key) WHERE shared AND is_default`,
    );
    await db.query(
      `CREATE UNIQUE INDEX ledger_views_personal_default_idx ON ledger_views (ledger_key, owner_id) WHERE NOT shared AND is_default`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ledger_views`);
  }
}
