import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { message, quoteIdent, specOf, tableNameOf, type LedgerDefinition } from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { seesRedactedValues } from '../identity/access-policy';
import { parseId } from '../common/graphql/ids';
import { RowAccess } from '../ledger-data/row-access.service';
import { LedgerRegistry } from '../ledgers/ledger-registry.service';
import { readInUnitScope } from '../ledger-tables/row-scope';
import type { RowLink } from '../ledger-tables/row-sql';
import { RowsException } from '../ledger-tables/rows.exception';

/** At most this many options are listed at a time. */
export const MAX_OPTIONS = 50;
/** Besides the display field, this many of the target's other text fields are searched and shown as a hint. */
const HINT_FIELDS = 2;

export interface ReferenceOption {
  id: string;
  label: string;
  hint: string | null;
}

/**
 * ILIKE for a search with letters that have a case, LIKE for one without (a name, digits): the
 * same rows, and no row read twice for it. Under row-level security no index can serve a search
 * inside texts (ILIKE and LIKE are not leakproof: bench/README.md, "references"), so every row of
 * the unit is read, and ILIKE lower-cases each text it reads (about half the search's time).
 */
const likeFor = (search: string) => (search.toLowerCase() === search.toUpperCase() ? 'LIKE' : 'ILIKE');

/** Rows of a search's tier: its condition, parameters from $2; newest first within it. */
interface SearchTier {
  where: string;
  params: string[];
}

/**
 * A picker's search as tiers, best first, each excluding those before it (its parameters from
 * $2): the exact text; the texts it begins (`starts_with`, as typed, upper- and lower-cased: its
 * operators are leakproof, so under row-level security an index on (unit_id, display
 * text_pattern_ops) still serves it — the compiler makes one for a ledger's `display`); the texts
 * containing it elsewhere; then the rows whose other texts (the hints) contain it. Read tier by
 * tier, newest first within each, until the page is full: a case number's beginning is answered
 * from the index, and only a search that fills no page that way reads the unit's rows for LIKE.
 */
function searchTiers(search: string, label: string, hints: string[]): SearchTier[] {
  if (search === '') return [{ where: 'true', params: [] }];
  const like = likeFor(search);
  const contains = `%${likeEscaped(search)}%`;
  const cases = [...new Set([search, search.toUpperCase(), search.toLowerCase()])];
  const begins = (from: number) => cases.map((_, i) => `starts_with(${label}, $${from + i})`).join(' OR ');
  return [
    { where: `${label} = $2`, params: [search] },
    { where: `(${begins(2)}) AND ${label} <> $${2 + cases.length}`, params: [...cases, search] },
    { where: `${label} ${like} $2 AND NOT (${begins(3)})`, params: [contains, ...cases] },
    ...(hints.length > 0
      ? [
          {
            where: `(${hints.map((h) => `${h} ${like} $2`).join(' OR ')}) AND NOT coalesce(${label} ${like} $2, false)`,
            params: [contains],
          },
        ]
      : []),
  ];
}

/** `%`, `_` and `\` matched as themselves in a LIKE pattern. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What names a row of a ledger: the reference's own `display`, else the ledger's. */
const displayOf = (definition: LedgerDefinition, declared: string | null | undefined) =>
  declared ?? definition.display ?? null;

/**
 * The links between rows, read (docs/ledger-language.md, "References"): the rows a reference may
 * point at, searched by what they say (the grid's and the form's picker), and the rows that
 * follow-ups made from a row (its 后续 list; each of those shows the row as its 来源).
 */
@Injectable()
export class RowLinks {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: RowAccess,
    private readonly registry: LedgerRegistry,
  ) {}

  /**
   * The unit's live rows of the ledger a reference points at whose display text (or one of the
   * target's first other text fields) contains `search`, best first: the exact text, then those
   * it begins, then the rest; newest first within each. An empty search lists the newest.
   */
  async referenceOptions(
    principal: Principal,
    query: { ledger: string; field: string; search: string; unitId?: string | null; first?: number | null },
  ): Promise<ReferenceOption[]> {
    const { ledger, scope } = await this.access.forRead(principal, query.ledger, query.unitId);
    const field = ledger.model.byKey.get(query.field);
    const target = field && specOf(field).target?.(field);
    if (!field || !target)
      throw RowsException.badInput('NOT_A_REFERENCE', [
        {
          path: 'field',
          message: message(`「${query.field}」不是引用字段`, `"${query.field}" is not a reference field`),
        },
      ]);
    if (!('units' in scope) || scope.units.length !== 1)
      throw RowsException.badInput('UNIT_REQUIRED', [
        {
          path: 'unitId',
          message: message('请指明单位：引用只在同一单位内', 'Name the unit: references stay within a unit'),
        },
      ]);
    const first = query.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_OPTIONS)
      throw RowsException.badInput('INVALID_PAGE_SIZE', [
        { path: 'first', message: message(`每次 1 至 ${MAX_OPTIONS} 项`, `first must be 1 to ${MAX_OPTIONS}`) },
      ]);
    const targetLedger = await this.registry.find(target.ledger);
    if (!targetLedger) return [];
    const display = displayOf(targetLedger.definition, target.display);
    const redacted = seesRedactedValues(principal);
    const hints = targetLedger.model.fields
      .filter(
        (f) =>
          f.key !== display &&
          specOf(f).valueKind === 'text' &&
          specOf(f).target === undefined &&
          !(redacted && specOf(f).redact),
      )
      .slice(0, HINT_FIELDS)
      .map((f) => `r.${quoteIdent(f.key)}::text`);
    const label = display ? `r.${quoteIdent(display)}::text` : `'#' || r.id`;
    const search = query.search.trim().slice(0, 100);
    const hint = hints.length > 0 ? `concat_ws(' · ', ${hints.join(', ')})` : 'NULL';
    const table = quoteIdent(tableNameOf(target.ledger));
    const tiers = searchTiers(search, label, hints);
    const rows = await readInUnitScope(this.db, scope, async (tx) => {
      const found: { id: string; label: string | null; hint: string | null }[] = [];
      // tier by tier, each newest first, until the page is full: a common search stops early
      for (const tier of tiers) {
        if (found.length >= first) break;
        found.push(
          ...(await tx.query<{ id: string; label: string | null; hint: string | null }>(
            `SELECT r.id, ${label} AS label, NULLIF(${hint}, '') AS hint FROM ${table} r
              WHERE r.unit_id = $1 AND r.deleted_at IS NULL AND ${tier.where}
              ORDER BY r.id DESC LIMIT ${first - found.length}`,
            [scope.units[0], ...tier.params],
          )),
        );
      }
      return found;
    });
    return rows.map((r) => ({ id: String(r.id), label: r.label ?? `#${r.id}`, hint: r.hint }));
  }

  /**
   * The live rows that follow-ups of this row's ledger made from it, in the ledgers the caller
   * may read, oldest first, each shown by its ledger's display field.
   */
  async followUpRows(principal: Principal, ledgerKey: string, rowId: string): Promise<RowLink[]> {
    const { ledger, scope } = await this.access.forRead(principal, ledgerKey, null);
    const id = parseId(rowId, 'id');
    const targets = [...new Set((ledger.definition.followUps ?? []).map((f) => f.ledger))];
    return readInUnitScope(this.db, scope, async (tx) => {
      const [row] = await tx.query<{ unit_id: number }>(
        `SELECT unit_id FROM ${quoteIdent(tableNameOf(ledger.key))} WHERE id = $1`,
        [id],
      );
      if (!row) throw RowsException.rowNotFound(rowId);
      const links: RowLink[] = [];
      for (const key of targets) {
        const target = await this.registry.find(key);
        if (!target) continue;
        const readable = await this.access.forRead(principal, key, String(row.unit_id)).then(
          () => true,
          () => false,
        );
        if (!readable) continue;
        const display = target.definition.display;
        const made = await tx.query<{ id: string; label: string | null }>(
          `SELECT t.id, ${display ? `t.${quoteIdent(display)}::text` : 'NULL'} AS label FROM ${quoteIdent(tableNameOf(key))} t
            WHERE t.unit_id = $1 AND t.origin_ledger = $2 AND t.origin_id = $3 AND t.deleted_at IS NULL ORDER BY t.id`,
          [row.unit_id, ledger.key, id],
        );
        links.push(...made.map((m) => ({ ledger: key, id: String(m.id), label: m.label })));
      }
      return links;
    });
  }
}
