import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A longer search's grams without those in most rows (docs/grid.md, "The index and the access
 * path"): a case-number fragment's 2026-0012 has 202, 026, 26- and 6-0 in nearly every row, and
 * the GIN index read their posting lists of a million entries each to intersect them with the
 * few rows of 001 and 012 (95 ms for a count of 1,000). LIKE checks every candidate anyway, so
 * any of the grams finds every match; of a word's three or more grams, those in more than half
 * the rows (the index's own statistics, pg_stats of its grams column) are left out, the rarest
 * kept when all are common.
 */
export class SelectiveSearchGrams1765700000100 implements MigrationInterface {
  name = 'SelectiveSearchGrams1765700000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION taizhang_search_selective_grams(grams text[], grams_index text) RETURNS text[]
        LANGUAGE plpgsql STABLE STRICT AS $$
        DECLARE
          common text[];
          shares real[];
          kept text[] := '{}';
          rarest text;
          least real := 2;
          share real;
          gram text;
        BEGIN
          -- two grams or one: little to leave out, not worth reading the statistics (about 1 ms)
          IF cardinality(grams) < 3 THEN
            RETURN grams;
          END IF;
          SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs INTO common, shares
            FROM pg_stats s
           WHERE s.schemaname = current_schema() AND s.tablename = grams_index AND s.attname = 'taizhang_search_grams';
          IF common IS NULL THEN
            RETURN grams;
          END IF;
          FOREACH gram IN ARRAY grams LOOP
            share := coalesce(shares[array_position(common, gram)], 0);
            IF share <= 0.5 THEN
              kept := kept || gram;
            END IF;
            IF share < least THEN
              least := share;
              rarest := gram;
            END IF;
          END LOOP;
          RETURN CASE WHEN cardinality(kept) > 0 THEN kept ELSE ARRAY[rarest] END;
        END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION IF EXISTS taizhang_search_selective_grams(text[], text)`);
  }
}
