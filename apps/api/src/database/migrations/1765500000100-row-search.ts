import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22, the grid's search (docs/grid.md "Search"): what every ledger's search table shares —
 * btree_gin (the unit id as a key of the grams' GIN index) and the grams a body and a search are
 * cut into. Each ledger's table, triggers and search function are the compiler's
 * (libs/ledger-core compile/row-search.ts), made at publish and at start-up.
 *
 * The grams are every run of one, two and three characters: a search of up to three characters
 * looks itself up, a longer one each of its runs of three, and LIKE then checks the candidates.
 * Threes, not only pairs: digits' and a case number's pairs are in nearly every row, and a
 * fragment of a case number read nine posting lists of about a million entries each (147 ms on
 * a million rows; its threes, 22 ms). Not pg_trgm: with the database's C locale it makes no
 * trigrams of Chinese text.
 */
export class RowSearch1765500000100 implements MigrationInterface {
  name = 'RowSearch1765500000100';

  async up(db: QueryRunner): Promise<void> {
    // a trusted extension (PostgreSQL 13+): the database's owner may create it
    await db.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    // chr(31) separates a row's fields in its body: no gram spans two fields. Not made distinct
    // here: GIN keeps each key of a row once anyway, and the sort would cost every save
    await db.query(`
      CREATE FUNCTION taizhang_search_grams(body text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT ARRAY(SELECT g FROM (
          SELECT substr(body, i, 1) AS g FROM generate_series(1, length(body)) AS i
          UNION ALL
          SELECT substr(body, i, 2) FROM generate_series(1, length(body) - 1) AS i
          UNION ALL
          SELECT substr(body, i, 3) FROM generate_series(1, length(body) - 2) AS i
        ) grams WHERE strpos(g, chr(31)) = 0)
      $$`);
    await db.query(`
      CREATE FUNCTION taizhang_search_needle_grams(needle text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE WHEN length(needle) <= 3 THEN ARRAY[needle]
               ELSE (SELECT array_agg(DISTINCT substr(needle, i, 3)) FROM generate_series(1, length(needle) - 2) AS i) END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    const ledgers = (await db.query(`SELECT table_name FROM ledgers`)) as { table_name: string }[];
    for (const { table_name: table } of ledgers) {
      if (!/^[a-z][a-z0-9_]{0,62}$/.test(table)) throw new Error(`unsafe identifier ${table}`);
      await db.query(`DROP TABLE IF EXISTS "${table}__search" CASCADE`);
    }
    await db.query(`DROP FUNCTION IF EXISTS taizhang_search_needle_grams(text)`);
    await db.query(`DROP FUNCTION IF EXISTS taizhang_search_grams(text) CASCADE`);
  }
}
