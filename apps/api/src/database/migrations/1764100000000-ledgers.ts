import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ledger metadata (definitions, versions, the applied table changes) and the try-cast helpers
 * that retyping a ledger column uses: each turns text into a type, or NULL when it cannot.
 */
export class Ledgers1764100000000 implements MigrationInterface {
  name = 'Ledgers1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ledgers (
        key              text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
        title            text NOT NULL,
        current_version  integer NOT NULL,
        table_name       text NOT NULL UNIQUE,
        state            jsonb NOT NULL,
        source           text NOT NULL CHECK (source IN ('file', 'api')),
        file_checksum    text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE ledger_versions (
        ledger_key    text NOT NULL REFERENCES ledgers (key) DEFERRABLE INITIALLY DEFERRED,
        version       integer NOT NULL,
        definition    jsonb NOT NULL,
        checksum      text NOT NULL,
        source        text NOT NULL CHECK (source IN ('file', 'api')),
        published_by  integer REFERENCES users (id),
        published_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ledger_key, version)
      )`);
    await db.query(`
      CREATE TABLE ledger_migrations (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ledger_key    text NOT NULL REFERENCES ledgers (key) DEFERRABLE INITIALLY DEFERRED,
        from_version  integer,
        to_version    integer NOT NULL,
        actions       jsonb NOT NULL,
        report        jsonb NOT NULL,
        applied_at    timestamptz NOT NULL DEFAULT now()
      )`);
    const tryCast = (name: string, type: string, body: string, settings = '') => `
      CREATE FUNCTION ${name}(value text) RETURNS ${type} LANGUAGE plpgsql STABLE ${settings} AS $$
      BEGIN
        IF value IS NULL OR btrim(value) = '' THEN RETURN NULL; END IF;
        ${body}
      EXCEPTION WHEN others THEN RETURN NULL;
      END $$`;
    await db.query(
      tryCast(
        'taizhang_try_bigint',
        'bigint',
        `value := replace(btrim(value), ',', '');
        RETURN CASE WHEN value::numeric = trunc(value::numeric) THEN value::numeric::bigint END;`,
      ),
    );
    await db.query(tryCast('taizhang_try_numeric', 'numeric', `RETURN replace(btrim(value), ',', '')::numeric;`));
    await db.query(tryCast('taizhang_try_date', 'date', `RETURN btrim(value)::date;`, `SET datestyle = 'ISO, YMD'`));
    await db.query(
      tryCast(
        'taizhang_try_timestamptz',
        'timestamptz',
        `RETURN btrim(value)::timestamptz;`,
        `SET datestyle = 'ISO, YMD' SET timezone = 'Asia/Shanghai'`,
      ),
    );
    await db.query(tryCast('taizhang_try_time', 'time', `RETURN btrim(value)::time(0);`));
    await db.query(
      tryCast(
        'taizhang_try_boolean',
        'boolean',
        `IF lower(btrim(value)) IN ('true', 't', 'yes', 'y', '1', '是', '√') THEN RETURN true; END IF;
        IF lower(btrim(value)) IN ('false', 'f', 'no', 'n', '0', '否', '×') THEN RETURN false; END IF;
        RETURN NULL;`,
      ),
    );
  }

  async down(db: QueryRunner): Promise<void> {
    for (const name of ['bigint', 'numeric', 'date', 'timestamptz', 'time', 'boolean']) {
      await db.query(`DROP FUNCTION taizhang_try_${name}(text)`);
    }
    await db.query(`DROP TABLE ledger_migrations, ledger_versions, ledgers`);
  }
}
