import { AppException } from '../common/errors/app-exception';
import type { PublishedLedger } from './ledger-registry.service';

/** A transaction's connection (the rows' RowTransaction, TypeORM's EntityManager). */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * What keeps a row write on the definition and the sheet it was checked against.
 *
 * Every write of a ledger's rows takes, in the message that begins its transaction, two shared
 * advisory locks: the ledger's (the publisher takes it exclusively, so a publish waits for the
 * writes under way and the writes after it wait for the publish), and the (ledger, unit) sheets'
 * (a submit takes it exclusively, so a save that began before a submit is in the rows the submit
 * checks, and a save after it finds the sheet submitted). Writers never wait for one another.
 * Then, in its first statement (a fresh snapshot, after the locks), the write reads the ledger's
 * current version: a write whose model is older is refused as retryable, and the process's
 * definitions are dropped so the retry runs on the new one.
 */

const SAFE_KEY = /^[a-z][a-z0-9_]{0,39}$/;

function ledgerLockKey(ledgerKey: string): string {
  if (!SAFE_KEY.test(ledgerKey)) throw new Error(`not a ledger key: ${ledgerKey}`);
  return `hashtext('ledger:${ledgerKey}')`;
}

function sheetLockKey(ledgerKey: string, unitId: number): string {
  if (!SAFE_KEY.test(ledgerKey) || !Number.isSafeInteger(unitId)) throw new Error('not a sheet');
  return `hashtext('sheet:${ledgerKey}'), ${unitId}`;
}

/**
 * The locks of a write (inlined: sent with BEGIN, which takes no parameters); a batch across
 * units takes every unit's sheets lock in one statement, in the order of the units.
 */
export function writeLocksSql(ledgerKey: string, unitIds: number | number[]): string {
  const units = typeof unitIds === 'number' ? [unitIds] : unitIds;
  if (units.length === 1)
    return `SELECT pg_advisory_xact_lock_shared(${ledgerLockKey(ledgerKey)}), pg_advisory_xact_lock_shared(${sheetLockKey(ledgerKey, units[0])})`;
  if (!units.every((u) => Number.isSafeInteger(u))) throw new Error('not a sheet');
  return `SELECT pg_advisory_xact_lock_shared(${ledgerLockKey(ledgerKey)}), (SELECT count(pg_advisory_xact_lock_shared(hashtext('sheet:${ledgerKey}'), u)) FROM unnest('{${[...units].sort((a, b) => a - b).join(',')}}'::int[]) u)`;
}

/**
 * A write of one ledger that moves the derived figures of another's sheets (a window case moving
 * the daily report's counts): that ledger's locks, shared, as for a write of its own (no publish
 * under way), then its submitted periods, whose figures stay frozen. A submit of that ledger waits for this write, or this write
 * for the submit: never a figure moved in a sheet just submitted.
 */
export async function submittedSheetsLocked(tx: Queryable, ledgerKey: string, unitId: number): Promise<string[]> {
  await tx.query(
    `SELECT pg_advisory_xact_lock_shared(${ledgerLockKey(ledgerKey)}), pg_advisory_xact_lock_shared(${sheetLockKey(ledgerKey, unitId)})`,
  );
  const rows = (await tx.query(
    `SELECT period FROM sheets WHERE ledger_key = $1 AND unit_id = $2 AND state = 'submitted'`,
    [ledgerKey, unitId],
  )) as { period: string }[];
  return rows.map((r) => r.period);
}

/** A write into another ledger inside a write (a follow-up row): that ledger's lock, shared. */
export async function lockLedgerForWrite(tx: Queryable, ledgerKey: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock_shared(${ledgerLockKey(ledgerKey)})`);
}

/** A submit: the unit's sheets of the ledger, exclusively, until it commits. */
export async function lockSheetsForSubmit(tx: Queryable, ledgerKey: string, unitId: number): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${sheetLockKey(ledgerKey, unitId)})`);
}

/** A publish: the ledger, exclusively, until it commits. */
export async function lockLedgerForPublish(tx: Queryable, ledgerKey: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${ledgerLockKey(ledgerKey)})`);
}

/** Refuses a write whose definition is no longer the ledger's current one. */
export function assertCurrentVersion(ledger: PublishedLedger, currentVersion: number | null, drop: () => void): void {
  if (currentVersion === ledger.version) return;
  drop();
  throw new AppException('CONFLICT', 'DEFINITION_CHANGED', {
    'zh-CN': `台账「${ledger.key}」的定义刚刚更新（第 ${currentVersion ?? '?'} 版），请重新加载后再保存`,
    en: `The ledger "${ledger.key}" was just changed (version ${currentVersion ?? '?'}); reload and save again`,
  });
}

/** What a write checks under its locks: the ledger's current version, and the unit's submitted sheets. */
export interface WriteGuard {
  version: number | null;
  /** The periods whose sheet the unit has submitted (locked). */
  locked: string[];
  /** The webhooks' generation (migration 1765300000100): whether a process's kept subscriptions are current. */
  webhooks: string | null;
  /** The unit written, when asked for (an admin's unit checked in the write's transaction); null: no such unit. */
  unit?: { kind: string; code: string } | null;
}

/** Read in the write's first statement after the locks (a fresh snapshot): one round trip for all three. */
export async function readWriteGuard(
  tx: Queryable,
  ledgerKey: string,
  unitId: number,
  withUnit = false,
): Promise<WriteGuard> {
  const [guard] = (await tx.query(
    `SELECT (SELECT current_version FROM ledgers WHERE key = $1) AS version,
            ARRAY(SELECT period FROM sheets WHERE ledger_key = $1 AND unit_id = $2 AND state = 'submitted') AS locked,
            (SELECT n::text FROM webhook_generation) AS webhooks${
              withUnit
                ? `, (SELECT json_build_object('kind', kind, 'code', code) FROM units WHERE id = $2) AS unit`
                : ''
            }`,
    [ledgerKey, unitId],
  )) as WriteGuard[];
  return guard;
}

/**
 * `readWriteGuard` of a batch across units: the ledger's version, the webhooks' generation and
 * each unit's submitted sheets in one statement (one round trip for all the units, not one each).
 */
export async function readWriteGuards(
  tx: Queryable,
  ledgerKey: string,
  unitIds: number[],
): Promise<Map<number, WriteGuard>> {
  const [read] = (await tx.query(
    `SELECT (SELECT current_version FROM ledgers WHERE key = $1) AS version,
            (SELECT n::text FROM webhook_generation) AS webhooks,
            COALESCE((SELECT json_object_agg(unit_id, periods) FROM (
              SELECT unit_id, array_agg(period) AS periods FROM sheets
               WHERE ledger_key = $1 AND unit_id = ANY($2::int[]) AND state = 'submitted' GROUP BY unit_id) s), '{}') AS locked`,
    [ledgerKey, unitIds],
  )) as { version: number | null; webhooks: string | null; locked: Record<string, string[]> }[];
  return new Map(
    unitIds.map((unitId) => [
      unitId,
      { version: read.version, webhooks: read.webhooks, locked: read.locked[String(unitId)] ?? [] },
    ]),
  );
}
