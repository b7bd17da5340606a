import type { EntityManager } from 'typeorm';
import {
  formulaToSql,
  isComputedField,
  modelOf,
  quoteIdent,
  sameJson,
  specOf,
  tableNameOf,
  type LedgerDefinition,
  type Message,
} from '@taizhang/ledger-core';

/**
 * Rows a new definition would refuse that the one before took (docs/designer.md "Before
 * publishing"): for each rule that is new or changed, the live rows it now fails (its `when`
 * true and its `check` false, as validateRow decides), and for each field newly required, the
 * live rows without a value. Counted in SQL over every unit's rows of the reshaped table, inside
 * the preview's transaction. A rule that compares periods (previous(), cumulative()) is not
 * counted: `rows` is null.
 */
export interface Rejection {
  kind: 'rule' | 'required';
  /** The rule's key, or the field's. */
  key: string;
  level: 'error' | 'warning';
  /** The rule's message, or the field's title. */
  message: Message;
  rows: number | null;
}

const messageOf = (text: string | { zh: string; en?: string }): Message =>
  typeof text === 'string' ? { 'zh-CN': text, en: text } : { 'zh-CN': text.zh, en: text.en ?? text.zh };

export async function rejectedRows(
  tx: EntityManager,
  before: LedgerDefinition | null,
  after: LedgerDefinition,
  now: Date,
): Promise<Rejection[]> {
  if (!before) return [];
  const model = modelOf(after);
  const table = quoteIdent(tableNameOf(after.key));
  // every unit's rows, as the publish itself reads them
  await tx.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
  const count = async (condition: string, params: unknown[]) =>
    (
      (await tx.query(
        `SELECT count(*)::int AS n FROM ${table} t WHERE t.deleted_at IS NULL AND ${condition}`,
        params,
      )) as {
        n: number;
      }[]
    )[0].n;

  const rejected: Rejection[] = [];
  for (const { rule, crossPeriod } of model.rules) {
    // the same rule however its keys are ordered (the designer prints them its own way)
    if (
      sameJson(
        before.rules?.find((r) => r.key === rule.key),
        rule,
      )
    )
      continue;
    const params: unknown[] = [];
    const context = { alias: 't', types: model.types, params, now };
    const failing = crossPeriod
      ? null
      : `(${rule.when ? formulaToSql(rule.when, context) : 'TRUE'}) IS TRUE AND (${formulaToSql(rule.check, context)}) IS FALSE`;
    rejected.push({
      kind: 'rule',
      key: rule.key,
      level: rule.level,
      message: messageOf(rule.message),
      rows: failing === null ? null : await count(failing, params),
    });
  }
  for (const field of after.fields) {
    if (!field.required || isComputedField(field)) continue;
    const was = before.fields.find((f) => (f.id ?? f.key) === (field.id ?? field.key));
    if (was?.required) continue;
    const column = `t.${quoteIdent(field.key)}`;
    const kind = specOf(field).valueKind;
    const blank =
      kind === 'list'
        ? `coalesce(cardinality(${column}), 0) = 0`
        : kind === 'files'
          ? `coalesce(jsonb_array_length(${column}), 0) = 0`
          : kind === 'text'
            ? `coalesce(${column}, '') = ''`
            : `${column} IS NULL`;
    rejected.push({
      kind: 'required',
      key: field.key,
      level: 'error',
      message: messageOf(field.title),
      rows: await count(blank, []),
    });
  }
  return rejected;
}
