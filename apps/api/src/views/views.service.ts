import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { LocalizedText } from '@taizhang/domain';
import {
  checkViewConfig,
  hasUnstorableCharacter,
  UNSTORABLE_TEXT,
  VIEW_LIMITS,
  type LedgerModel,
  type ViewConfig,
} from '@taizhang/ledger-core';
import { AppException } from '../common/errors/app-exception';
import { parseId } from '../common/graphql/ids';
import type { Principal } from '../identity/principal';
import { filterSql, orderSql } from '../ledger-tables/row-filter';
import { LedgerAccess } from '../ledgers/ledger-access.service';
import type { ViewInput, ViewModel } from './view.model';
import { ViewsException } from './views.exception';

interface ViewRow {
  id: string;
  ledger_key: string;
  name: string;
  shared: boolean;
  owner_id: number;
  owner: string;
  config: ViewConfig;
  is_default: boolean;
  updated_at: Date;
}

type Problem = { path: string; message: LocalizedText };

const VIEW_COLUMNS = `v.id::text AS id, v.ledger_key, v.name, v.shared, v.owner_id, u.display_name AS owner,
  v.config, v.is_default, v.updated_at`;

const isAdmin = (principal: Principal) => principal.role === 'admin';

/**
 * Saved views of a ledger's grid (docs/views.md). A personal view is its owner's alone: anyone
 * else asking for it by id is told it does not exist. A shared view is read by everyone who may
 * read the ledger and changed by admins only. The config is checked against the ledger's current
 * definition with the rows query's own filter and sort checks.
 */
@Injectable()
export class ViewsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledgers: LedgerAccess,
  ) {}

  /** The caller's personal views of the ledger and its shared ones: shared first, then by name. */
  async list(principal: Principal, ledgerKey: string): Promise<ViewModel[]> {
    await this.ledgers.readableLedger(principal, ledgerKey);
    const rows = (await this.db.query(
      `SELECT ${VIEW_COLUMNS} FROM ledger_views v JOIN users u ON u.id = v.owner_id
        WHERE v.ledger_key = $1 AND (v.shared OR v.owner_id = $2)
        ORDER BY v.shared DESC, v.name, v.id`,
      [ledgerKey, principal.userId],
    )) as ViewRow[];
    const personalDefault = rows.some((row) => !row.shared && row.is_default);
    return rows.map((row) => this.modelOf(principal, row, row.is_default && (!row.shared || !personalDefault)));
  }

  async save(principal: Principal, id: string | null | undefined, input: ViewInput): Promise<ViewModel> {
    const ledger = await this.ledgers.readableLedger(principal, input.ledger);
    const name = input.name.trim();
    const shared = input.shared === true;
    const problems: Problem[] = [];
    if (name === '' || [...name].length > VIEW_LIMITS.name)
      problems.push({
        path: 'name',
        message: {
          'zh-CN': `视图名称应为 1 至 ${VIEW_LIMITS.name} 个字`,
          en: `A view's name has 1 to ${VIEW_LIMITS.name} characters`,
        },
      });
    else if (hasUnstorableCharacter(name)) problems.push({ path: 'name', message: UNSTORABLE_TEXT });
    const config = checkConfig(ledger.model, input.config, problems);
    if (problems.length > 0) throw ViewsException.invalid(problems);
    if (shared && !isAdmin(principal)) throw ViewsException.sharedByAdmins();

    const viewId = await this.db.transaction(async (tx) => {
      const current = id === null || id === undefined ? null : await this.editable(tx, principal, id, true);
      if (current && current.ledger_key !== ledger.key)
        throw ViewsException.invalid([
          {
            path: 'ledger',
            message: {
              'zh-CN': `视图属于台账「${current.ledger_key}」，不能移到另一个台账`,
              en: `The view belongs to the ledger "${current.ledger_key}" and cannot move to another`,
            },
          },
        ]);
      // a shared view an admin makes personal becomes that admin's
      const owner = current && (shared || current.owner_id === principal.userId) ? current.owner_id : principal.userId;
      // one name per list a user sees (their own views, the shared ones); the count bounded, one writer at a time
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledger_views'), hashtext($1))`, [
        `${ledger.key}/${shared ? 'shared' : owner}`,
      ]);
      const [taken] = (await tx.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE name = $3)::int AS same
           FROM ledger_views WHERE ledger_key = $1 AND shared = $2 AND ($2 OR owner_id = $4) AND id <> $5`,
        [ledger.key, shared, name, owner, current?.id ?? 0],
      )) as { n: number; same: number }[];
      if (taken.same > 0)
        throw ViewsException.invalid([
          {
            path: 'name',
            message: { 'zh-CN': `已有名为「${name}」的视图`, en: `There is already a view named "${name}"` },
          },
        ]);
      const limit = shared ? VIEW_LIMITS.sharedPerLedger : VIEW_LIMITS.personalPerLedger;
      if (taken.n >= limit) throw ViewsException.tooMany(shared);
      if (current) {
        // a view moved between shared and personal is no longer the default it was
        await tx.query(
          `UPDATE ledger_views SET name = $2, shared = $3, owner_id = $4, config = $5,
              is_default = is_default AND shared = $3, updated_at = now(), updated_by = $6
            WHERE id = $1`,
          [current.id, name, shared, owner, JSON.stringify(config), principal.userId],
        );
        return current.id;
      }
      const [created] = (await tx.query(
        `INSERT INTO ledger_views (ledger_key, name, shared, owner_id, config, updated_by)
         VALUES ($1, $2, $3, $4, $5, $4) RETURNING id::text AS id`,
        [ledger.key, name, shared, principal.userId, JSON.stringify(config)],
      )) as { id: string }[];
      return created.id;
    });
    return this.one(principal, viewId);
  }

  async delete(principal: Principal, id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const view = await this.editable(tx, principal, id, true);
      await tx.query(`DELETE FROM ledger_views WHERE id = $1`, [view.id]);
      return true;
    });
  }

  /**
   * Marks (or unmarks) the view its ledger opens with: a shared view for everyone (admins), a
   * personal one for its owner alone; the one marked before in the same scope is unmarked.
   */
  async setDefault(principal: Principal, id: string, isDefault: boolean): Promise<ViewModel> {
    await this.db.transaction(async (tx) => {
      const view = await this.editable(tx, principal, id, true);
      if (isDefault)
        await tx.query(
          `UPDATE ledger_views SET is_default = false
            WHERE ledger_key = $1 AND is_default AND shared = $2 AND ($2 OR owner_id = $3) AND id <> $4`,
          [view.ledger_key, view.shared, view.owner_id, view.id],
        );
      await tx.query(`UPDATE ledger_views SET is_default = $2 WHERE id = $1`, [view.id, isDefault]);
    });
    return this.one(principal, id);
  }

  /** One view as `views` lists it, for the caller. */
  private async one(principal: Principal, id: string): Promise<ViewModel> {
    const view = await this.visible(this.db.manager, principal, id, false);
    return (await this.list(principal, view.ledger_key)).find((v) => v.id === view.id)!;
  }

  /**
   * The view by id as the caller may see it: another user's personal view, or a shared view of a
   * ledger the caller may not read, is NOT_FOUND.
   */
  private async visible(tx: EntityManager, principal: Principal, id: string, lock: boolean): Promise<ViewRow> {
    const [row] = (await tx.query(
      `SELECT ${VIEW_COLUMNS} FROM ledger_views v JOIN users u ON u.id = v.owner_id WHERE v.id = $1
       ${lock ? 'FOR UPDATE OF v' : ''}`,
      [parseId(id, 'id')],
    )) as ViewRow[];
    if (!row || (!row.shared && row.owner_id !== principal.userId)) throw ViewsException.notFound(id);
    if (row.shared) {
      try {
        await this.ledgers.readableLedger(principal, row.ledger_key);
      } catch (error) {
        if (error instanceof AppException) throw ViewsException.notFound(id);
        throw error;
      }
    }
    return row;
  }

  /** The view, if the caller may change it: the owner a personal view, an admin a shared one. */
  private async editable(tx: EntityManager, principal: Principal, id: string, lock: boolean): Promise<ViewRow> {
    const row = await this.visible(tx, principal, id, lock);
    if (row.shared && !isAdmin(principal)) throw ViewsException.sharedByAdmins();
    return row;
  }

  private modelOf(principal: Principal, row: ViewRow, opensByDefault: boolean): ViewModel {
    return {
      id: row.id,
      ledger: row.ledger_key,
      name: row.name,
      shared: row.shared,
      config: row.config,
      isDefault: row.is_default,
      opensByDefault,
      editable: row.shared ? isAdmin(principal) : row.owner_id === principal.userId,
      owner: row.owner,
      updatedAt: row.updated_at,
    };
  }
}

/**
 * The config, checked for its shape and columns (ledger-core) and its filter and sort by the very
 * checks the rows query makes; problems are named by JSON pointers from `config`.
 */
function checkConfig(model: LedgerModel, raw: unknown, problems: Problem[]): ViewConfig | null {
  const checked = checkViewConfig(model, raw);
  problems.push(...checked.problems.map((p) => ({ path: `config${p.path}`, message: p.message })));
  if (!checked.config) return null;
  const rowsCheck = (run: () => void) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof AppException) || error.code !== 'BAD_USER_INPUT') throw error;
      // the rows query names `filter.<field>.<op>` and `orderBy.<i>.field`
      for (const p of error.problems)
        problems.push({ path: `config/${p.path.split('.').join('/')}`, message: p.message });
    }
  };
  rowsCheck(() => filterSql(model, checked.config!.filter, []));
  rowsCheck(() => orderSql(model, checked.config!.orderBy));
  return checked.config;
}
