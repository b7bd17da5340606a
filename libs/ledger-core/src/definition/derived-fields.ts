/**
 * Derived fields: a look-up shows a field of the row a reference points at, a roll-up aggregates
 * the rows of another ledger that point at this row, a derived figure (`derive`) is a measure of
 * another ledger for the row's unit and period. All are stored columns kept current by the API's
 * write pipeline (docs/ledger-language.md, "Look-ups and roll-ups", "Figures from another
 * ledger"); here is what a definition may say about them and how it is checked, alone and
 * against the ledgers it names.
 */
import { checkFormula } from '../formula';
import { COUNT_TYPE, specOf, type FieldDefinition } from '../field-types/registry';
import { message, type Message } from './message';
import type { LedgerDefinition } from './types';

export interface LookupDefinition {
  /** A reference field of this ledger. */
  reference: string;
  /** The field of the referenced row to show. */
  field: string;
}

export const ROLLUP_KINDS = ['count', 'countWhere', 'sum', 'min', 'max'] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

export interface RollupDefinition {
  /** The ledger whose rows point at this one… */
  ledger: string;
  /** …by this reference field of theirs. */
  reference: string;
  kind: RollupKind;
  /** For sum, min and max: a number field of that ledger. */
  field?: string;
  /** For countWhere: a formula over that ledger's fields. */
  where?: string;
}

export interface DeriveDefinition {
  /** The ledger whose rows are measured… */
  ledger: string;
  /** …by this measure of it (count, countWhere or sum)… */
  measure: string;
  /** …over its rows whose date or datetime field falls in the row's period. */
  date: string;
}

/** The measure kinds a derived figure may take: one number per unit and period. */
export const DERIVE_MEASURE_KINDS = ['count', 'countWhere', 'sum'] as const;

/** The meta-schema of the three properties (field-schema.ts puts them among every field's). */
export const DERIVED_FIELD_SCHEMAS = {
  lookup: {
    type: 'object',
    required: ['reference', 'field'],
    additionalProperties: false,
    properties: { reference: { $ref: '#/$defs/identifier' }, field: { $ref: '#/$defs/identifier' } },
  },
  rollup: {
    type: 'object',
    required: ['ledger', 'reference', 'kind'],
    additionalProperties: false,
    properties: {
      ledger: { $ref: '#/$defs/identifier' },
      reference: { $ref: '#/$defs/identifier' },
      kind: { enum: [...ROLLUP_KINDS] },
      field: { $ref: '#/$defs/identifier' },
      where: { $ref: '#/$defs/formula' },
    },
  },
  derive: {
    type: 'object',
    required: ['ledger', 'measure', 'date'],
    additionalProperties: false,
    properties: {
      ledger: { $ref: '#/$defs/identifier' },
      measure: { $ref: '#/$defs/identifier' },
      date: { $ref: '#/$defs/identifier' },
    },
  },
} as const;

export const isDerived = (field: FieldDefinition) =>
  field.lookup !== undefined || field.rollup !== undefined || field.derive !== undefined;

/** The kind of derived field, for messages and for the code that keeps each current. */
const derivedKind = (field: FieldDefinition) => (field.lookup ? 'lookup' : field.rollup ? 'rollup' : 'derive');
const DERIVED_NAMES = {
  lookup: { zh: '查找', en: 'lookup' },
  rollup: { zh: '汇总', en: 'rollup' },
  derive: { zh: '自动得出', en: 'derived' },
} as const;

/** Nobody types into it: a formula, a look-up, a roll-up, or a field the definition marks read-only. */
export const isComputedField = (field: FieldDefinition) =>
  field.formula !== undefined || field.readOnly === true || isDerived(field);

type Problem = { path: string; message: Message };

/** What one definition says wrongly about its derived fields, seen alone. */
export function derivedFieldProblems(definition: LedgerDefinition): Problem[] {
  const problems: Problem[] = [];
  const byKey = new Map(definition.fields.map((f) => [f.key, f]));
  definition.fields.forEach((field, i) => {
    if (!isDerived(field)) return;
    const at = (property: string) => `/fields/${i}/${property}`;
    const what = DERIVED_NAMES[derivedKind(field)];
    if ([field.lookup, field.rollup, field.derive].filter((d) => d !== undefined).length > 1)
      problems.push({
        path: at(derivedKind(field) === 'lookup' ? 'rollup' : 'derive'),
        message: message(
          '字段只能是查找（lookup）、汇总（rollup）、自动得出（derive）之一',
          'A field is at most one of a lookup, a rollup and a derived figure',
        ),
      });
    for (const property of ['formula', 'default', 'required', 'unique'] as const) {
      if (field[property] === undefined || field[property] === false) continue;
      problems.push({
        path: at(property),
        message: message(
          `${what.zh}字段的值由其他行得出，不能设置 ${property}`,
          `A ${what.en} field takes its value from other rows; it cannot have ${property}`,
        ),
      });
    }
    if (field.derive) {
      if ((definition.period ?? 'none') === 'none' || !definition.periodField)
        problems.push({
          path: at('derive'),
          message: message(
            '只有按期填报（有 period 和 periodField）的台账才能自动得出数值',
            'Only a periodic ledger (with period and periodField) can derive figures',
          ),
        });
      if (field.derive.ledger === definition.key)
        problems.push({
          path: at('derive/ledger'),
          message: message('不能从本台账自身得出数值', 'A figure cannot be derived from the ledger itself'),
        });
    }
    if (field.lookup) {
      const reference = byKey.get(field.lookup.reference);
      if (!reference || !specOf(reference).target)
        problems.push({
          path: at('lookup/reference'),
          message: message(
            `「${field.lookup.reference}」不是本台账的引用字段`,
            `"${field.lookup.reference}" is not a reference field of this ledger`,
          ),
        });
    }
    if (field.rollup) {
      const { kind } = field.rollup;
      if ((kind === 'count' || kind === 'countWhere') && field.type !== COUNT_TYPE)
        problems.push({
          path: at('type'),
          message: message('计数汇总的字段应为整数类型', 'A counting rollup is an integer field'),
        });
      if (kind === 'countWhere' && !field.rollup.where)
        problems.push({
          path: at('rollup/where'),
          message: message('countWhere 汇总需要条件（where）', 'A countWhere rollup needs a where formula'),
        });
      if ((kind === 'sum' || kind === 'min' || kind === 'max') && !field.rollup.field)
        problems.push({
          path: at('rollup/field'),
          message: message(`${kind} 汇总需要字段（field）`, `A ${kind} rollup needs a field`),
        });
    }
  });
  return problems;
}

/**
 * What only the other ledgers can tell: the looked-up field and the rolled-up ledger, reference
 * and field. `ledgerOf` gives a published definition (this one included, as it is being
 * published). A roll-up over a ledger not published yet is checked when that ledger is.
 */
export function derivedFieldProblemsAcross(
  definition: LedgerDefinition,
  ledgerOf: (key: string) => LedgerDefinition | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const byKey = new Map(definition.fields.map((f) => [f.key, f]));
  const noField = (path: string, ledger: string, key: string) =>
    problems.push({
      path,
      message: message(`台账「${ledger}」没有字段「${key}」`, `The ledger "${ledger}" has no field "${key}"`),
    });
  definition.fields.forEach((field, i) => {
    if (field.derive) problems.push(...deriveProblems(field, `/fields/${i}`, ledgerOf));
    if (field.lookup) {
      const reference = byKey.get(field.lookup.reference);
      const target = reference && specOf(reference).target?.(reference);
      const targetDefinition = target ? ledgerOf(target.ledger) : undefined;
      if (!target || !targetDefinition) return;
      const shown = targetDefinition.fields.find((f) => f.key === field.lookup!.field);
      if (!shown) return noField(`/fields/${i}/lookup/field`, target.ledger, field.lookup.field);
      if (isDerived(shown))
        return problems.push({
          path: `/fields/${i}/lookup/field`,
          message: message(
            `查找字段不能显示另一个查找或汇总字段「${shown.key}」`,
            `A lookup cannot show "${shown.key}", itself a lookup or rollup`,
          ),
        });
      const mismatch = sameKindProblem(field, shown);
      if (mismatch) problems.push({ path: `/fields/${i}/type`, message: mismatch });
      else if (specOf(shown).redact)
        problems.push({
          path: `/fields/${i}/lookup/field`,
          message: message(
            `查找字段不能显示部分隐藏的字段「${shown.key}」`,
            `A lookup cannot show "${shown.key}", a field some readers may not see in full`,
          ),
        });
    }
    if (field.rollup) {
      const rollup = field.rollup;
      const source = rollup.ledger === definition.key ? definition : ledgerOf(rollup.ledger);
      if (!source) return;
      const reference = source.fields.find((f) => f.key === rollup.reference);
      if (!reference) return noField(`/fields/${i}/rollup/reference`, rollup.ledger, rollup.reference);
      if (specOf(reference).target?.(reference)?.ledger !== definition.key)
        problems.push({
          path: `/fields/${i}/rollup/reference`,
          message: message(
            `「${rollup.ledger}.${rollup.reference}」不是引用本台账的字段`,
            `"${rollup.ledger}.${rollup.reference}" is not a reference to this ledger`,
          ),
        });
      if (rollup.field) {
        const summed = source.fields.find((f) => f.key === rollup.field);
        if (!summed || isDerived(summed)) return noField(`/fields/${i}/rollup/field`, rollup.ledger, rollup.field);
        if (!specOf(summed).statistics.summable)
          problems.push({
            path: `/fields/${i}/rollup/field`,
            message: message('汇总的字段必须是数值类型', 'A rollup needs a numeric field'),
          });
        else if (summed.type !== field.type)
          problems.push({
            path: `/fields/${i}/type`,
            message: message(
              `汇总字段的类型应与「${summed.key}」相同（${summed.type}）`,
              `A rollup has the type of "${summed.key}" (${summed.type})`,
            ),
          });
      }
      if (rollup.where) {
        // over the source's own fields: a derived one may change without its row being written
        const types = Object.fromEntries(source.fields.filter((f) => !isDerived(f)).map((f) => [f.key, f.type]));
        for (const issue of checkFormula(rollup.where, types))
          problems.push({ path: `/fields/${i}/rollup/where`, message: issue });
      }
    }
  });
  return problems;
}

/** What the measured ledger says against a derived figure: its measure, its date field, the type. */
function deriveProblems(
  field: FieldDefinition,
  path: string,
  ledgerOf: (key: string) => LedgerDefinition | undefined,
): Problem[] {
  const derive = field.derive!;
  const source = ledgerOf(derive.ledger);
  if (!source) return []; // checked when that ledger is published
  const problems: Problem[] = [];
  const measure = source.measures?.find((m) => m.key === derive.measure);
  if (!measure)
    problems.push({
      path: `${path}/derive/measure`,
      message: message(
        `台账「${derive.ledger}」没有统计项「${derive.measure}」`,
        `The ledger "${derive.ledger}" has no measure "${derive.measure}"`,
      ),
    });
  else if (!(DERIVE_MEASURE_KINDS as readonly string[]).includes(measure.kind))
    problems.push({
      path: `${path}/derive/measure`,
      message: message(
        `统计项「${derive.measure}」是 ${measure.kind}，只能用 count、countWhere 或 sum`,
        `The measure "${derive.measure}" is a ${measure.kind}; only count, countWhere and sum can be derived`,
      ),
    });
  else if (measure.kind === 'sum') {
    const summed = source.fields.find((f) => f.key === measure.field);
    if (summed && summed.type !== field.type)
      problems.push({
        path: `${path}/type`,
        message: message(
          `自动得出的合计与「${summed.key}」同类型（${summed.type}）`,
          `A derived sum has the type of "${summed.key}" (${summed.type})`,
        ),
      });
  } else if (field.type !== COUNT_TYPE)
    problems.push({
      path: `${path}/type`,
      message: message('自动得出的计数应为整数类型', 'A derived count is an integer field'),
    });
  const date = source.fields.find((f) => f.key === derive.date);
  const kind = date ? specOf(date).valueKind : null;
  if (kind !== 'date' && kind !== 'datetime')
    problems.push({
      path: `${path}/derive/date`,
      message: message(
        `「${derive.ledger}.${derive.date}」不是日期或时间字段`,
        `"${derive.ledger}.${derive.date}" is not a date or datetime field`,
      ),
    });
  return problems;
}

/** A look-up holds the target's values as they are: the same type, and every option the target has. */
function sameKindProblem(field: FieldDefinition, shown: FieldDefinition): Message | null {
  if (field.type !== shown.type)
    return message(
      `查找字段的类型应与「${shown.key}」相同（${shown.type}）`,
      `A lookup has the type of "${shown.key}" (${shown.type})`,
    );
  const values = (f: FieldDefinition) =>
    'options' in f && Array.isArray(f.options) ? f.options.map((o) => o.value) : [];
  const own = new Set(values(field));
  const missing = values(shown).filter((v) => !own.has(v));
  return missing.length > 0
    ? message(`查找字段缺少选项：${missing.join('、')}`, `The lookup lacks the options ${missing.join(', ')}`)
    : null;
}
