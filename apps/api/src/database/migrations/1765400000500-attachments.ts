import type { MigrationInterface, QueryRunner } from 'typeorm';

// the row-level security rule, frozen as this migration writes it (see 1764200000000-rows.ts)
const UNIT_VISIBLE = '(SELECT taizhang_all_units()) OR unit_id = ANY ((SELECT taizhang_visible_units())::integer[])';

/**
 * Issue 20, attachments (docs/attachments.md): one blob per distinct content, one upload per
 * handle, and which rows hold (or held, for history) which handle. Uploads and links are
 * isolated by unit like the rows that hold them; the blobs say nothing of a unit or a row.
 */
export class Attachments1765400000500 implements MigrationInterface {
  name = 'Attachments1765400000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE attachment_blobs (
        sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size       bigint NOT NULL CHECK (size >= 0),
        kind       text NOT NULL,
        mime       text NOT NULL,
        thumbnail  boolean NOT NULL DEFAULT false,
        stored_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE attachments (
        handle       text PRIMARY KEY CHECK (handle ~ '^[A-Za-z0-9_-]{22}$'),
        sha256       text NOT NULL REFERENCES attachment_blobs (sha256),
        name         text NOT NULL,
        size         bigint NOT NULL,
        kind         text NOT NULL,
        ledger_key   text NOT NULL,
        field_key    text NOT NULL,
        unit_id      integer,
        uploaded_by  integer NOT NULL,
        by_admin     boolean NOT NULL DEFAULT false,
        uploaded_at  timestamptz NOT NULL DEFAULT now(),
        linked_at    timestamptz
      )`);
    await db.query(`CREATE INDEX attachments_sha256_idx ON attachments (sha256)`);
    await db.query(`CREATE INDEX attachments_unlinked_idx ON attachments (uploaded_at) WHERE linked_at IS NULL`);
    await db.query(`
      CREATE TABLE attachment_links (
        handle      text NOT NULL REFERENCES attachments (handle),
        ledger_key  text NOT NULL,
        unit_id     integer NOT NULL,
        row_id      bigint NOT NULL,
        field_key   text NOT NULL,
        current     boolean NOT NULL,
        changed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (handle, ledger_key, row_id, field_key)
      )`);
    await db.query(`CREATE INDEX attachment_links_row_idx ON attachment_links (ledger_key, unit_id, row_id)`);
    // an upload is its unit's; an admin's upload for no unit in particular (unit_id NULL) may be
    // saved into any unit's row, so its metadata is visible to whoever holds its handle. A file is
    // served only through a link (or to its uploader), whatever this policy lets one see.
    const visible = { attachments: `${UNIT_VISIBLE} OR unit_id IS NULL`, attachment_links: UNIT_VISIBLE };
    for (const [table, rule] of Object.entries(visible)) {
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await db.query(`CREATE POLICY unit_isolation ON ${table} USING (${rule}) WITH CHECK (${rule})`);
      await db.query(`GRANT SELECT, INSERT, UPDATE ON ${table} TO taizhang_rows`);
    }
    await db.query(`GRANT SELECT, INSERT ON attachment_blobs TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE attachment_links`);
    await db.query(`DROP TABLE attachments`);
    await db.query(`DROP TABLE attachment_blobs`);
  }
}
