import { message, type Message } from '../definition/message';
import type { LedgerModel } from '../definition/ledger-model';
import { rowParseContext } from '../definition/ledger-date';
import { periodOfRow } from '../definition/period';
import { textOf } from '../definition/text';
import type { FieldValue } from '../field-types/field-type';
import type { CrossPeriodValues } from '../formula';
import { isBlank } from '../field-types/field-type-kit';

export interface RowProblem {
  /** The field key (the cell to mark), or "" for the row as a whole. */
  field: string;
  message: Message;
  /** The rule that failed, if a rule did. */
  rule?: string;
}

export interface ValidatedRow {
  /** Every field's value: what was given (normalized), defaults, and computed values. */
  values: Record<string, FieldValue>;
  /** Problems that block saving. */
  errors: RowProblem[];
  /** Problems that are shown and allowed. */
  warnings: RowProblem[];
}

export interface ValidateOptions {
  /** json: values as the API carries them (strict); text: as typed or pasted (lenient). */
  input: 'json' | 'text';
  /** A new row takes the fields' defaults for what it does not give. */
  applyDefaults?: boolean;
  /** The clock for today()/now() in formulas. */
  now?: Date;
  /**
   * The sheet the row goes into, for a periodic ledger with a period field: a date outside it is
   * an error on that field (the grid says so as you type; the API refuses the row).
   */
  period?: string | null;
  /**
   * What previous() and cumulative() read for this row (the API gathers them for the rows it
   * saves). Without it a rule that uses them is not run at all: unknown, neither passed nor
   * failed — the grid as you type leaves it to the save's answer.
   */
  crossPeriod?: CrossPeriodValues;
}

/**
 * The one row check, run by the grid as you type and by the API on save: types, required,
 * limits, computed fields, then the ledger's rules. Computed values sent by the caller are
 * ignored and recomputed. Read-only fields are checked like any other: keeping callers from
 * writing them is the writer's business (it drops them from what a clerk sends).
 */
export function validateRow(
  model: LedgerModel,
  input: Record<string, unknown>,
  options: ValidateOptions,
): ValidatedRow {
  const values: Record<string, FieldValue> = {};
  const errors: RowProblem[] = [];
  const warnings: RowProblem[] = [];

  for (const key of Object.keys(input)) {
    if (!model.byKey.has(key))
      errors.push({ field: key, message: message(`未知字段「${key}」`, `Unknown field "${key}"`) });
  }

  const context = options.input === 'text' ? rowParseContext(model, input, options.now ?? new Date()) : undefined;
  for (const field of model.fields) {
    if (field.formula) continue;
    const spec = model.spec(field);
    let raw = input[field.key];
    if (raw === undefined && options.applyDefaults) raw = field.default;
    let value: FieldValue = null;
    if (raw !== undefined && raw !== null) {
      const outcome =
        options.input === 'text' && typeof raw === 'string'
          ? spec.parse(raw, field, context)
          : spec.normalize(raw, field);
      if (!outcome.ok) {
        errors.push({ field: field.key, message: outcome.problem });
        continue;
      }
      value = outcome.value;
    }
    values[field.key] = value;
    if (isBlank(value)) {
      values[field.key] = null;
      if (field.required)
        errors.push({
          field: field.key,
          message: message(`「${textOf(field.title)}」必须填写`, `"${textOf(field.title, 'en')}" is required`),
        });
      continue;
    }
    for (const problem of spec.validate(value, field)) errors.push({ field: field.key, message: problem });
  }

  const periodField = model.definition.periodField;
  if (options.period && periodField && values[periodField] !== null && values[periodField] !== undefined) {
    if (periodOfRow(model.definition, values) !== options.period)
      errors.push({
        field: periodField,
        message: message(
          `日期不在所选周期 ${options.period} 内`,
          `The date is not in the chosen period ${options.period}`,
        ),
      });
  }

  const env = { values, types: model.types, now: options.now, crossPeriod: options.crossPeriod };
  for (const { field, formula } of model.computed) {
    const result = formula.evaluate(env);
    const normalized = result === null ? null : model.spec(field).normalize(result, field);
    values[field.key] = normalized && normalized.ok ? normalized.value : null;
  }

  for (const { rule, check, when, fields, crossPeriod } of model.rules) {
    if (crossPeriod && !options.crossPeriod) continue;
    if (when && when.evaluate(env) !== true) continue;
    if (check.evaluate(env) !== false) continue;
    const text =
      typeof rule.message === 'string'
        ? message(rule.message, rule.message)
        : message(rule.message.zh, rule.message.en ?? rule.message.zh);
    const target = rule.level === 'error' ? errors : warnings;
    for (const field of fields.length > 0 ? fields : ['']) target.push({ field, message: text, rule: rule.key });
  }

  return { values, errors, warnings };
}
