import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23: API tokens for other systems (docs/integration.md). Only the token's SHA-256 is
 * stored. A token is looked up in this table on every request it makes (one indexed read), so a
 * revoke, an expiry or its creator's deactivation refuses it at once in every API process.
 *
 * `row_history.api_token_id` (and `sheet_events.api_token_id`: a submit or withdraw) names the
 * token a change was made with: it defaults to the transaction's `taizhang.api_token` setting,
 * which the row scope sets for a request made with a token (ledger-tables/row-scope.ts), so no
 * writer has to pass it along.
 */
export class ApiTokens1765200000010 implements MigrationInterface {
  name = 'ApiTokens1765200000010';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_tokens (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name              text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
        scope             text NOT NULL CHECK (scope IN ('STATISTICS_READ', 'ROWS_READ', 'UNIT_WRITE')),
        unit_id           integer REFERENCES units (id),
        ledgers           text[],
        allowed_addresses text[],
        token_hash        bytea NOT NULL UNIQUE,
        created_by        integer NOT NULL REFERENCES users (id),
        created_at        timestamptz NOT NULL DEFAULT now(),
        expires_at        timestamptz NOT NULL,
        last_used_at      timestamptz,
        revoked_at        timestamptz,
        CHECK ((scope = 'UNIT_WRITE') = (unit_id IS NOT NULL))
      )`);
    await db.query(`
      ALTER TABLE row_history ADD COLUMN api_token_id bigint
        DEFAULT nullif(current_setting('taizhang.api_token', true), '')::bigint`);
    // a sheet submitted or withdrawn with a token (in the same row scope, reporting/sheets.service.ts)
    await db.query(`
      ALTER TABLE sheet_events ADD COLUMN api_token_id bigint
        DEFAULT nullif(current_setting('taizhang.api_token', true), '')::bigint`);
    // a row's history (read as the row role) names the token a change was made with
    await db.query(`GRANT SELECT (id, name) ON api_tokens TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`REVOKE SELECT (id, name) ON api_tokens FROM taizhang_rows`);
    await db.query(`ALTER TABLE sheet_events DROP COLUMN api_token_id`);
    await db.query(`ALTER TABLE row_history DROP COLUMN api_token_id`);
    await db.query(`DROP TABLE api_tokens`);
  }
}
