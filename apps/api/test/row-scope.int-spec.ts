import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@taizhang/testing';
import { databaseOptions } from '../src/app-data-source';
import { inUnitScope, readAtOnceInUnitScope, readInUnitScope } from '../src/ledger-tables/row-scope';

/**
 * The row scope on a pool of ONE connection, so that whatever a scope leaves on its connection
 * the next user of the pool would see: reads end their transaction after answering, and must
 * still give the connection back clean.
 */
let db: TestDatabase;
let source: DataSource;
const owner = async () =>
  (
    await source.query(
      `SELECT current_user AS who, coalesce(current_setting('taizhang.unit_ids', true), '') AS units,
              coalesce(current_setting('taizhang.all_units', true), '') AS "all", now() = statement_timestamp() AS fresh`,
    )
  )[0] as { who: string; units: string; all: string; fresh: boolean };

beforeAll(async () => {
  db = await createTestDatabase();
  const options = databaseOptions(db.url);
  source = new DataSource({ ...options, extra: { ...(options.extra as object), max: 1 } } as typeof options);
  await source.initialize();
  await source.runMigrations({ transaction: 'each' });
  for (const unit of [1, 2])
    await inUnitScope(source, { units: [unit] }, (tx) =>
      tx.query(
        `INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, source) VALUES ('scope_test', $1, 1, 'insert', 1, 'save')`,
        [unit],
      ),
    );
}, 60_000);
afterAll(async () => {
  await source?.destroy();
  await db?.drop();
});

describe('reading in a unit scope', () => {
  const units = (rows: { unit_id: number }[]) => rows.map((r) => r.unit_id).sort();
  const history = `SELECT unit_id FROM row_history WHERE ledger_key = 'scope_test'`;

  it("sees only the scope's units, and the next user of the connection is itself again", async () => {
    const before = await owner();
    expect(units(await readInUnitScope(source, { units: [2] }, (tx) => tx.query(history)))).toEqual([2]);
    expect(await owner()).toEqual(before);
    expect(units(await readInUnitScope(source, { all: true }, (tx) => tx.query(history)))).toEqual([1, 2]);
    expect(await owner()).toEqual(before);
  });

  it('gives the connection back clean after a failed read too', async () => {
    const before = await owner();
    await expect(readInUnitScope(source, { units: [1] }, (tx) => tx.query('SELECT 1/0'))).rejects.toThrow(/zero/);
    expect(await owner()).toEqual(before);
  });

  it('cannot write', async () => {
    await expect(
      readInUnitScope(source, { units: [1] }, (tx) =>
        tx.query(
          `INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, source) VALUES ('scope_test', 1, 2, 'insert', 1, 'save')`,
        ),
      ),
    ).rejects.toThrow(/read-only/);
    expect(units(await readInUnitScope(source, { all: true }, (tx) => tx.query(history)))).toEqual([1, 2]);
  });
});

describe('reading in a unit scope in one message', () => {
  const history = `SELECT unit_id FROM row_history WHERE ledger_key = $1 ORDER BY unit_id`;

  it("answers each read with the scope's rows only, and leaves the connection as it was", async () => {
    const before = await owner();
    const [mine, count] = await readAtOnceInUnitScope(source, { units: [2] }, [
      { sql: history, params: ['scope_test'] },
      { sql: `SELECT count(*)::int AS n FROM row_history WHERE unit_id = ANY($1::int[])`, params: [[1, 2]] },
    ]);
    expect(mine).toEqual([{ unit_id: 2 }]);
    expect(count).toEqual([{ n: 1 }]);
    expect(await owner()).toEqual(before);
    const [all] = await readAtOnceInUnitScope(source, { all: true }, [{ sql: history, params: ['scope_test'] }]);
    expect(all).toEqual([{ unit_id: 1 }, { unit_id: 2 }]);
  });

  it('keeps the statements apart even when one ends in a comment', async () => {
    const [first, second] = await readAtOnceInUnitScope(source, { units: [2] }, [
      { sql: 'SELECT 1 AS a -- the first' },
      { sql: 'SELECT 2 AS b' },
    ]);
    expect([first, second]).toEqual([[{ a: 1 }], [{ b: 2 }]]);
  });

  it('takes values as data, never as SQL', async () => {
    const attempt = "scope_test' OR true; SET ROLE taizhang; --";
    const [rows] = await readAtOnceInUnitScope(source, { units: [2] }, [{ sql: history, params: [attempt] }]);
    expect(rows).toEqual([]);
    const [[echo]] = await readAtOnceInUnitScope(source, { units: [2] }, [
      { sql: 'SELECT $1::text AS v, $2::text AS w', params: [attempt, 'back\\slash'] },
    ]);
    expect(echo).toEqual({ v: attempt, w: 'back\\slash' });
  });

  it('sends a value no literal can hold (NUL) as a parameter, with the same answer PostgreSQL gives it', async () => {
    const before = await owner();
    await expect(
      readAtOnceInUnitScope(source, { units: [2] }, [{ sql: history, params: ['a\u0000b'] }]),
    ).rejects.toThrow(/0x00/);
    expect(await owner()).toEqual(before);
  });

  it('gives the connection back clean when a read fails, and cannot write', async () => {
    const before = await owner();
    await expect(readAtOnceInUnitScope(source, { units: [1] }, [{ sql: 'SELECT 1/0' }])).rejects.toThrow(/zero/);
    expect(await owner()).toEqual(before);
    await expect(
      readAtOnceInUnitScope(source, { units: [1] }, [
        {
          sql: `INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, source) VALUES ('scope_test', 1, 3, 'insert', 1, 'save')`,
        },
      ]),
    ).rejects.toThrow(/read-only/);
    expect(await owner()).toEqual(before);
  });
});

describe('writing in a unit scope', () => {
  const written = `SELECT unit_id, row_id FROM row_history WHERE ledger_key = 'scope_write' ORDER BY row_id`;
  const insert = `INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, source) SELECT 'scope_write', $1, $2, 'insert', $3, 'save'`;

  it('writes as the row role in the scope, values as typed as parameters would be, and commits', async () => {
    const before = await owner();
    const seen = await inUnitScope(source, { units: [2] }, async (tx) => {
      await tx.query(insert, [2, 10, 1]);
      return tx.query<{ who: string; units: string }>(
        `SELECT current_user AS who, current_setting('taizhang.unit_ids', true) AS units`,
      );
    });
    expect(seen).toEqual([{ who: 'taizhang_rows', units: '2' }]);
    expect(await source.query(written)).toEqual([{ unit_id: 2, row_id: '10' }]);
    expect(await owner()).toEqual(before);
  });

  it("refuses another unit's row even as the first statement, and rolls back all of a failed transaction", async () => {
    const before = await owner();
    await expect(inUnitScope(source, { units: [2] }, (tx) => tx.query(insert, [1, 11, 1]))).rejects.toThrow(
      /row-level security/,
    );
    await expect(
      inUnitScope(source, { units: [2] }, async (tx) => {
        await tx.query(insert, [2, 12, 1]);
        await tx.query('SELECT 1/0');
      }),
    ).rejects.toThrow(/zero/);
    expect(await source.query(written)).toEqual([{ unit_id: 2, row_id: '10' }]);
    expect(await owner()).toEqual(before);
  });

  it('gives the connection back clean after a failed first statement', async () => {
    const before = await owner();
    await expect(
      inUnitScope(source, { units: [2] }, (tx) => tx.query('SELECT $1::text AS v', ['a\u0000b'])),
    ).rejects.toThrow(/0x00/);
    expect(await owner()).toEqual(before);
  });
});
