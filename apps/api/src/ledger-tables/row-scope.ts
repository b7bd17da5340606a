import type { PoolClient, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import { ROWS_ROLE } from '@taizhang/ledger-core';
import { currentApiTokenId } from '../common/request-actor';
import { pgPoolOf } from '../database/pg-pool';
import { inlineParameters } from './sql-literals';

/** The units a request may touch: a list, or every unit (admins and leaders reading). */
export type UnitScope = { units: number[] } | { all: true };

/** A transaction's connection: a query answers its rows (also for UPDATE … RETURNING). */
export interface RowTransaction {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Runs row work in a transaction as the row role, with the units set for row-level security:
 * even a query that forgot its `unit_id = …` sees only these units' rows.
 *
 * Row work is the hot path (a grid page, an autosave), so it talks to node-postgres directly:
 * BEGIN, the role and the units go in one round trip, then the work, then COMMIT.
 */
export async function inUnitScope<T>(
  db: DataSource,
  scope: UnitScope,
  work: (tx: RowTransaction) => Promise<T>,
  /** SQL sent with the BEGIN in the same message (a write's locks: ledgers/ledger-locks.ts); no parameters. */
  prelude?: string,
): Promise<T> {
  const client = await beginInScope(db, scope, 'BEGIN', prelude);
  let result: T;
  try {
    result = await work(transactionOf(client));
    await client.query('COMMIT');
  } catch (error) {
    await rollBackThenRelease(client).catch(() => undefined);
    throw error;
  }
  giveBack(client);
  return result;
}

/**
 * `inUnitScope` for reads (a page of rows, statistics): a READ ONLY transaction, and its answer
 * is returned as soon as the work is done. The transaction ends (ROLLBACK: it changed nothing)
 * after the answer is on its way, and only then does the connection go back to the pool, so the
 * role and the units never reach another request; a connection whose ROLLBACK fails is closed,
 * not reused.
 */
export async function readInUnitScope<T>(
  db: DataSource,
  scope: UnitScope,
  work: (tx: RowTransaction) => Promise<T>,
): Promise<T> {
  const client = await beginInScope(db, scope, 'BEGIN READ ONLY');
  const ended = () => rollBackThenRelease(client);
  let result: T;
  try {
    result = await work(transactionOf(client));
  } catch (error) {
    await ended().catch(() => undefined);
    throw error;
  }
  // sent when this turn of the event loop is over: the answer is made and written in this turn
  setImmediate(() => void ended().catch(() => undefined));
  return result;
}

/** One statement of a read: SQL with `$n` placeholders and their values. */
export interface ReadStatement {
  sql: string;
  params?: readonly unknown[];
}

/**
 * Reads that do not depend on one another (a page of rows; statistics and the names of their
 * units), in the unit scope, as ONE message: `BEGIN READ ONLY; <the scope>; <the reads>;
 * ROLLBACK`. A round trip costs about as much CPU as a small query here, so a page that took
 * three (BEGIN and the scope, the query, the ROLLBACK) takes one. The simple query protocol
 * takes no parameters, so the values are written into the text as quoted literals
 * (sql-literals.ts); a read whose values cannot be (a string with NUL) goes the usual way.
 */
export async function readAtOnceInUnitScope(
  db: DataSource,
  scope: UnitScope,
  statements: readonly ReadStatement[],
): Promise<Record<string, unknown>[][]> {
  const inlined = statements.map((statement) => inlineParameters(statement.sql, statement.params ?? []));
  if (inlined.some((sql) => sql === null)) {
    return readInUnitScope(db, scope, async (tx) => {
      const answers: Record<string, unknown>[][] = [];
      for (const statement of statements) answers.push(await tx.query(statement.sql, [...(statement.params ?? [])]));
      return answers;
    });
  }
  // each `;` on a line of its own: a statement ending in a `--` comment cannot swallow it
  const message = `${scopeSql('BEGIN READ ONLY', scope)}\n;\n${inlined.join('\n;\n')}\n;\nROLLBACK`;
  const client = checkOut(await pgPoolOf(db).connect());
  let results: QueryResult[];
  try {
    results = (await client.query(message)) as unknown as QueryResult[];
  } catch (error) {
    // a failed statement skips the rest of the message, ROLLBACK included
    await rollBackThenRelease(client).catch(() => undefined);
    throw error;
  }
  giveBack(client);
  // BEGIN and the scope's SELECT come first
  return results.slice(2, 2 + statements.length).map((result) => result.rows);
}

/** Ends the transaction, then gives the connection back; one whose ROLLBACK failed is closed instead. */
function rollBackThenRelease(client: PoolClient): Promise<void> {
  return client.query('ROLLBACK').then(
    () => giveBack(client),
    (failure: Error) => {
      giveBack(client, failure);
      throw failure;
    },
  );
}

/**
 * node-postgres reports a connection that dies between two queries (PostgreSQL restarted, a
 * network cut) as an 'error' event; the pool listens only while the connection is idle in it,
 * and an event nobody listens to ends the process. While a connection is ours, this listener
 * takes the event: the next query on it fails with the reason, and the pool drops it.
 */
const connectionLost = () => undefined;

function checkOut(client: PoolClient): PoolClient {
  client.on('error', connectionLost);
  return client;
}

function giveBack(client: PoolClient, failure?: Error): void {
  client.removeListener('error', connectionLost);
  client.release(failure);
}

/** A pooled connection in a new transaction as the row role with the scope's units set. */
async function beginInScope(db: DataSource, scope: UnitScope, begin: string, prelude?: string): Promise<PoolClient> {
  const client = checkOut(await pgPoolOf(db).connect());
  try {
    await client.query(prelude ? `${scopeSql(begin, scope)}; ${prelude}` : scopeSql(begin, scope));
  } catch (error) {
    await rollBackThenRelease(client).catch(() => undefined);
    throw error;
  }
  return client;
}

const transactionOf = (client: PoolClient): RowTransaction => ({
  query: async (sql, params) => (await client.query(sql, params)).rows,
});

/** BEGIN, then the row role and the units for row-level security, local to the transaction. */
function scopeSql(begin: string, scope: UnitScope): string {
  const units = 'all' in scope ? [] : scope.units;
  // inlined, not parameters (a multi-statement query takes none): integers and constants only
  if (!units.every((id) => Number.isSafeInteger(id))) throw new Error(`unit ids must be integers: ${units.join(',')}`);
  // a request made with an API token: row_history's api_token_id takes it (request-actor.ts)
  const token = currentApiTokenId();
  if (token !== null && !Number.isSafeInteger(token)) throw new Error(`api token id must be an integer: ${token}`);
  return (
    `${begin}; SELECT set_config('role', '${ROWS_ROLE}', true), set_config('taizhang.all_units', '${'all' in scope ? 'on' : 'off'}', true), ` +
    `set_config('taizhang.unit_ids', '${units.join(',')}', true)` +
    (token === null ? '' : `, set_config('taizhang.api_token', '${token}', true)`)
  );
}
