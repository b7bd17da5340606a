import type { TestDatabase } from '@taizhang/testing';

/**
 * Tables a hostile request may legitimately change, left out of the checksum:
 * - sessions: every request with a token slides its session's last_seen_at and expires_at;
 * - auth_events: every sign-in attempt (the corpus tries SQL as a username) is recorded there;
 * - sign_in_throttle: and counted there, per name and address (docs/operations.md, sign-in protection).
 */
export const CHANGING_TABLES = ['sessions', 'auth_events', 'sign_in_throttle'];

/** Every other table's row count and an md5 of its rows (as text, sorted). */
export async function tableChecksums(db: TestDatabase): Promise<Record<string, string>> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND NOT (table_name = ANY($1))
      ORDER BY table_name`,
    [CHANGING_TABLES],
  );
  const sums: Record<string, string> = {};
  for (const { name } of tables) {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    const [row] = await db.query<{ n: string; sum: string | null }>(
      `SELECT count(*)::text AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS sum FROM public.${quoted} t`,
    );
    sums[name] = `${row.n} rows, ${row.sum ?? 'empty'}`;
  }
  return sums;
}

/** Rows in the ledgers' tables and their history: what a rejected row would have left. */
export async function ledgerRowCounts(db: TestDatabase): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND (table_name LIKE 'ledger\\_%' ESCAPE '\\' AND table_name NOT IN ('ledger_versions', 'ledger_migrations') OR table_name = 'row_history')
      ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public."${name}"`);
    counts[name] = row.n;
  }
  return counts;
}
