import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  checkDefinition,
  compileLedger,
  createDailySumsSql,
  createRowSearchSql,
  dailySumsOf,
  dropDailySumsSql,
  dropRowSearchSql,
  rowSearchFunctionName,
  rowSearchFunctionsSql,
  renameForeignFieldKey,
  renamesOf,
  rowSearchOf,
  ROW_SEARCH_FUNCTIONS_VERSION,
  isDerived,
  diffTable,
  fieldIdOf,
  modelOf,
  periodOfRow,
  tableChangeSql,
  tableNameOf,
  textOf,
  type DefinitionProblem,
  type LedgerDefinition,
  type LedgerModel,
  type TableChange,
} from '@taizhang/ledger-core';
import { insertRows, type Planned } from '../ledger-tables/row-write';
import type { LedgerSource } from './ledger.entity';
import type { FollowedRename, RetypeReport } from './ledger-migration.entity';
import { lockLedgerForPublish } from './ledger-locks';
import { LedgerRegistry } from './ledger-registry.service';
import { fillAllDerived } from '../ledger-tables/row-derived';
import { fillAllFigures } from '../ledger-tables/derived-figures';
import { LedgersException } from './ledgers.exception';
import {
  checkLedgerDefinition,
  currentDefinition,
  databaseProblems,
  seedProblems,
  seedRowsOf,
} from './definition-checks';
import { rejectedRows, type Rejection } from './publish-preview';
import { definitionChecksum } from './definition-checksum';

export interface PublishOptions {
  source: LedgerSource;
  actorId: number | null;
  /** For a schemas/ file: the checksum of its bytes. */
  fileChecksum?: string;
  /** Published because another ledger's publish renamed a field this one names. */
  renamedBy?: FollowedRename;
}

export interface PublishOutcome {
  key: string;
  version: number;
  changed: boolean;
  /** The table changes made (none when the definition did not change). */
  actions: TableChange[];
  retyped: RetypeReport[];
  seededRows: number;
  /** Other ledgers published again because they named a field this publish renamed. */
  followed: FollowedRename[];
}

export interface PublishPreview {
  /** Every problem, as checkLedger finds them; when any, nothing was tried. */
  problems: DefinitionProblem[];
  outcome: PublishOutcome | null;
  rejected: Rejection[];
}

/** The signature the ledger's daily sums were made with (their table's comment), or null without them. */
async function sumsSignatureOf(tx: EntityManager, model: LedgerModel): Promise<string | null> {
  const [row] = (await tx.query(
    `SELECT obj_description(to_regclass(quote_ident($1)), 'pg_class') AS signature, to_regclass(quote_ident($1)) IS NOT NULL AS present`,
    [`${tableNameOf(model.definition.key)}__daily`],
  )) as { signature: string | null; present: boolean }[];
  return row.present ? (row.signature ?? '') : null;
}

/** The signature the ledger's search was made with (its table's comment), or null without one. */
async function searchSignatureOf(tx: EntityManager, model: LedgerModel): Promise<string | null> {
  const [row] = (await tx.query(
    `SELECT obj_description(to_regclass(quote_ident($1)), 'pg_class') AS signature, to_regclass(quote_ident($1)) IS NOT NULL AS present`,
    [`${tableNameOf(model.definition.key)}__search`],
  )) as { signature: string | null; present: boolean }[];
  return row.present ? (row.signature ?? '') : null;
}

/**
 * Publishing: a definition (from a file or the publishLedger mutation) becomes a version and its
 * table is reshaped to match — all in one transaction with the version, the migration log and
 * the table state, so a failure leaves the ledger exactly as it was.
 */
@Injectable()
export class LedgerPublisher {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: LedgerRegistry,
  ) {}

  async publish(input: unknown, options: PublishOptions): Promise<PublishOutcome> {
    const checked = checkDefinition(input);
    if (!checked.ok) throw LedgersException.invalidDefinition(checked.problems);
    const outcome = await this.db.transaction((tx) => this.publishIn(tx, checked.definition, options));
    if (outcome.changed) this.registry.invalidate();
    return outcome;
  }

  /**
   * What publishing would do to the data, found by doing it — the same transaction as `publish`,
   * on the real rows — and rolling it back (docs/designer.md "Before publishing"): the table
   * changes and what they counted, and the rows a new or changed rule or a newly required field
   * would now refuse. Holds the ledger's publish lock while it runs, as a publish does.
   */
  async preview(input: unknown, actorId: number | null, now: Date): Promise<PublishPreview> {
    const problems = await checkLedgerDefinition(this.db, input);
    if (problems.length > 0) return { problems, outcome: null, rejected: [] };
    const definition = input as LedgerDefinition;
    const rolledBack = new Error('publish preview: rolled back');
    let preview: PublishPreview | null = null;
    await this.db
      .transaction(async (tx) => {
        // the lock first (publishIn takes it again: advisory locks nest), so `before` is what it replaces
        await lockLedgerForPublish(tx, definition.key);
        const before = await currentDefinition(tx, definition.key);
        const outcome = await this.publishIn(tx, definition, { source: 'api', actorId });
        preview = { problems: [], outcome, rejected: await rejectedRows(tx, before ?? null, definition, now) };
        throw rolledBack;
      })
      .catch((error: unknown) => {
        if (error !== rolledBack) throw error;
      });
    return preview!;
  }

  /** A checked definition published in `tx`: the version, the table reshaped, the log. */
  private async publishIn(
    tx: EntityManager,
    definition: LedgerDefinition,
    options: PublishOptions,
  ): Promise<PublishOutcome> {
    const checksum = definitionChecksum(definition);
    // seed rows are checked (and their values computed) once, here, and inserted as checked
    const model = modelOf(definition);
    const seeds = seedRowsOf(definition);
    await lockLedgerForPublish(tx, definition.key);
    const problems = [...(await databaseProblems(tx, definition)), ...seedProblems(seeds)];
    if (problems.length > 0) throw LedgersException.invalidDefinition(problems);

    const [current] = (await tx.query(
      `SELECT l.current_version AS version, l.state, v.checksum
           FROM ledgers l JOIN ledger_versions v ON v.ledger_key = l.key AND v.version = l.current_version
          WHERE l.key = $1 FOR UPDATE OF l`,
      [definition.key],
    )) as { version: number; state: ReturnType<typeof compileLedger>; checksum: string }[];

    if (current && current.checksum === checksum) {
      // a ledger published before its sums existed gets them here (the schemas/ files at start-up)
      await this.keepSums(tx, model, await sumsSignatureOf(tx, model));
      await this.keepSearch(tx, model, await searchSignatureOf(tx, model));
      if (options.fileChecksum) {
        await tx.query('UPDATE ledgers SET file_checksum = $2 WHERE key = $1', [definition.key, options.fileChecksum]);
      }
      return {
        key: definition.key,
        version: current.version,
        changed: false,
        actions: [],
        retyped: [],
        seededRows: 0,
        followed: [],
      };
    }

    const version = (current?.version ?? 0) + 1;
    const desired = compileLedger(definition, version);
    const diff = diffTable(current?.state ?? null, desired, version);
    const fieldOf = (fieldId: string) => definition.fields.find((f) => fieldIdOf(f) === fieldId)!;
    const retyped: RetypeReport[] = [];
    // sums that change (a measure, the date field, a summed column's type) are dropped before the
    // table changes, so that no trigger of the old shape runs on the compiler's retype UPDATEs,
    // and made again from the rows below, in this transaction
    const sumsBefore = await sumsSignatureOf(tx, model);
    if (sumsBefore !== null && sumsBefore !== (dailySumsOf(model)?.signature ?? null)) {
      for (const statement of dropDailySumsSql(desired.table)) await tx.query(statement);
    }
    // the search's trigger names the searched columns: dropped before a rename or retype of one
    const searchBefore = await searchSignatureOf(tx, model);
    if (searchBefore !== null && searchBefore !== (rowSearchOf(model)?.signature ?? null)) {
      for (const statement of dropRowSearchSql(desired.table)) await tx.query(statement);
    }
    for (const change of diff.changes) {
      const sql = tableChangeSql(desired.table, change, fieldOf);
      for (const statement of sql.statements) await tx.query(statement);
      if (sql.report && change.kind === 'retypeColumn') {
        const [{ unconverted, examples }] = (await tx.query(sql.report)) as Pick<
          RetypeReport,
          'unconverted' | 'examples'
        >[];
        retyped.push({
          field: change.column,
          from: change.from,
          to: change.to,
          keptAs: change.keptAs,
          unconverted,
          examples,
        });
      }
    }

    await tx.query(
      `INSERT INTO ledgers (key, title, current_version, table_name, state, source, file_checksum)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (key) DO UPDATE SET title = $2, current_version = $3, state = $5, source = $6,
           file_checksum = coalesce($7, ledgers.file_checksum), updated_at = now()`,
      [
        definition.key,
        textOf(definition.title),
        version,
        desired.table,
        JSON.stringify(diff.next),
        options.source,
        options.fileChecksum ?? null,
      ],
    );
    await tx.query(
      `INSERT INTO ledger_versions (ledger_key, version, definition, checksum, source, published_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [definition.key, version, JSON.stringify(definition), checksum, options.source, options.actorId],
    );
    const seededRows = current ? 0 : await this.insertSeedRows(tx, model, version, seeds);
    await this.fillDerived(tx, model);
    await this.keepSums(tx, model, await sumsSignatureOf(tx, model));
    await this.keepSearch(tx, model, await searchSignatureOf(tx, model));
    // a key the designer renamed reaches the ledgers that name it (a file's ledgers are their files')
    const followed =
      options.source === 'api'
        ? await this.renameInOtherLedgers(tx, definition.key, { actions: diff.changes, version }, options)
        : [];
    await tx.query(
      `INSERT INTO ledger_migrations (ledger_key, from_version, to_version, actions, report) VALUES ($1, $2, $3, $4, $5)`,
      [
        definition.key,
        current?.version ?? null,
        version,
        JSON.stringify(diff.changes),
        JSON.stringify({
          retyped,
          seededRows,
          followed,
          ...(options.renamedBy ? { renamedBy: options.renamedBy } : {}),
        }),
      ],
    );
    return { key: definition.key, version, changed: true, actions: diff.changes, retyped, seededRows, followed };
  }

  /**
   * Each other ledger that names a field this publish renamed (a reference's display, a look-up,
   * a roll-up, a derived figure's date, a follow-up's values: ledger-core renameForeignFieldKey),
   * published again in the same transaction with the new name, so that no ledger is left naming
   * a field that is gone. Renames apply at once (two fields swapping their keys go through
   * temporary names).
   */
  private async renameInOtherLedgers(
    tx: EntityManager,
    key: string,
    changes: { actions: TableChange[]; version: number },
    options: PublishOptions,
  ): Promise<FollowedRename[]> {
    const renames = [...renamesOf(changes.actions).values()];
    if (renames.length === 0) return [];
    const others = (await tx.query(
      `SELECT v.definition FROM ledgers l JOIN ledger_versions v ON v.ledger_key = l.key AND v.version = l.current_version
        WHERE l.key <> $1 ORDER BY l.key`,
      [key],
    )) as { definition: LedgerDefinition }[];
    const followed: FollowedRename[] = [];
    for (const { definition } of others) {
      let next = definition;
      renames.forEach(({ from }, i) => (next = renameForeignFieldKey(next, key, from, `__tz_rename_${i}`)));
      renames.forEach(({ to }, i) => (next = renameForeignFieldKey(next, key, `__tz_rename_${i}`, to)));
      if (next === definition) continue;
      const outcome = await this.publishIn(tx, next, {
        source: 'api',
        actorId: options.actorId,
        renamedBy: { ledger: key, version: changes.version },
      });
      followed.push({ ledger: next.key, version: outcome.version });
    }
    return followed;
  }

  /**
   * The ledger's daily sums as its measures need them (docs/scale.md "Maintained aggregates"):
   * made, remade or dropped when their signature differs from what the table's comment says;
   * left alone (one catalog read) when it is the same.
   */
  private async keepSums(tx: EntityManager, model: LedgerModel, signature: string | null): Promise<void> {
    const sums = dailySumsOf(model);
    if ((sums?.signature ?? null) === signature) return;
    const table = tableNameOf(model.definition.key);
    for (const statement of dropDailySumsSql(table)) await tx.query(statement);
    if (!sums) return;
    // the sums of every unit's rows
    await tx.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
    for (const statement of createDailySumsSql(sums)) await tx.query(statement);
  }

  /**
   * The ledger's search table as its searched fields need it (docs/grid.md "Search"): made,
   * remade or dropped when its signature differs from what the table's comment says.
   */
  private async keepSearch(tx: EntityManager, model: LedgerModel, signature: string | null): Promise<void> {
    const search = rowSearchOf(model);
    if ((search?.signature ?? null) === signature) return;
    for (const statement of dropRowSearchSql(tableNameOf(model.definition.key))) await tx.query(statement);
    if (!search) return;
    // the bodies of every unit's rows
    await tx.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
    for (const statement of createRowSearchSql(search)) await tx.query(statement);
  }

  /**
   * A search whose functions another version made (ROW_SEARCH_FUNCTIONS_VERSION, the keys
   * function's comment) gets this version's (CREATE OR REPLACE) without rebuilding its table;
   * true when it had to.
   */
  private async searchFunctionsStale(tx: EntityManager, model: LedgerModel): Promise<boolean> {
    const search = rowSearchOf(model);
    if (!search) return false;
    const { keys } = rowSearchFunctionName(search.ledgerTable);
    const [row] = (await tx.query(
      `SELECT obj_description(to_regprocedure(quote_ident($1) || '(text, integer, integer, boolean)'), 'pg_proc') AS version`,
      [keys],
    )) as { version: string | null }[];
    if (row.version === ROW_SEARCH_FUNCTIONS_VERSION) return false;
    for (const statement of rowSearchFunctionsSql(search)) await tx.query(statement);
    return true;
  }

  /**
   * Every ledger's sums and search made or remade if they are missing or stale, each ledger in
   * its own transaction under the publish lock: at start-up, for ledgers published before they
   * existed.
   */
  async keepAllSums(): Promise<number> {
    let made = 0;
    for (const ledger of await this.registry.all()) {
      const changed = await this.db.transaction(async (tx) => {
        await lockLedgerForPublish(tx, ledger.key);
        const signature = await sumsSignatureOf(tx, ledger.model);
        const searchSignature = await searchSignatureOf(tx, ledger.model);
        const sumsStale = (dailySumsOf(ledger.model)?.signature ?? null) !== signature;
        const searchStale = (rowSearchOf(ledger.model)?.signature ?? null) !== searchSignature;
        if (sumsStale) await this.keepSums(tx, ledger.model, signature);
        if (searchStale) await this.keepSearch(tx, ledger.model, searchSignature);
        const functionsStale = !searchStale && (await this.searchFunctionsStale(tx, ledger.model));
        return sumsStale || searchStale || functionsStale;
      });
      if (changed) made += 1;
    }
    return made;
  }

  /**
   * Look-ups and roll-ups the new version may have moved, its own and other ledgers' over it,
   * filled for every row of every unit (a new derived field starts out filled).
   */
  private async fillDerived(tx: EntityManager, model: LedgerModel) {
    const key = model.definition.key;
    const models = [...(await this.registry.all()).filter((l) => l.key !== key).map((l) => l.model), model];
    if (!models.some((m) => m.fields.some(isDerived))) return;
    await tx.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
    await fillAllDerived(tx, models, key, new Date());
    await fillAllFigures(tx, models, key, new Date());
  }

  /**
   * The rows a ledger starts with, on its first publish only: written by the statements every
   * row write uses (ledger-tables/row-write), unit by unit, with no author and `seed` as their
   * history's source, as checked above. Rows of a unit code no unit has are left out (a production
   * install starts without the demo units); the answer counts the rows written.
   */
  private async insertSeedRows(
    tx: EntityManager,
    model: LedgerModel,
    version: number,
    seeds: { unit: string; values: Record<string, unknown> }[],
  ): Promise<number> {
    if (seeds.length === 0) return 0;
    // the seed rows belong to several units: open row-level security for this transaction
    await tx.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
    const units = (await tx.query(`SELECT id, code FROM units WHERE code = ANY($1)`, [
      [...new Set(seeds.map((s) => s.unit))],
    ])) as { id: number; code: string }[];
    let written = 0;
    for (const unit of units) {
      const rows: Planned[] = seeds
        .map((seed, index) => ({ seed, index }))
        .filter(({ seed }) => seed.unit === unit.code)
        .map(({ seed, index }) => ({
          index,
          op: 'INSERT',
          values: seed.values,
          period: periodOfRow(model.definition, seed.values),
        }));
      await insertRows(tx, { model, unitId: unit.id, actor: null, defVersion: version, source: 'seed' }, rows);
      written += rows.length;
    }
    return written;
  }
}
