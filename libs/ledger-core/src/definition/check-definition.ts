import { checkFormula, compileFormula } from '../formula';
import { COMMON_FIELD_PROPERTIES, type StatisticsRoles } from '../field-types/field-type';
import {
  FIELD_TYPE_REGISTRY,
  ROW_ID_TYPE,
  specOf,
  type FieldDefinition,
  type FieldType,
} from '../field-types/registry';
import { derivedFieldProblems } from './derived-fields';
import { message, type Message } from './message';
import { textOf } from './text';
import { checkShape, type DefinitionProblem } from './meta-schema';
import { wellShapedPart, withinReplaced } from './well-shaped-part';
import type { LedgerDefinition } from './types';

export type DefinitionCheck = { ok: true; definition: LedgerDefinition } | { ok: false; problems: DefinitionProblem[] };

/** "/fields/3/type: unknown type "nubmer"" — a problem as one line. */
export function formatProblem(problem: DefinitionProblem, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  return `${problem.path}: ${problem.message[locale]}`;
}

export const fieldIdOf = (field: FieldDefinition) => field.id ?? field.key;

/**
 * Checks a definition: its shape (the meta-schema) and what a schema cannot say — unique keys,
 * each type's own properties, formulas and the fields they read, rules, measures, dimensions, the
 * period. Returns every problem at once, never the first only: an ill-shaped definition's meaning
 * is checked too, on its well-shaped part (well-shaped-part.ts), so a designer fixing a typo in one
 * field already sees the formula that reads a field that does not exist in another.
 */
export function checkDefinition(input: unknown): DefinitionCheck {
  const review = reviewDefinition(input);
  return review.problems.length > 0
    ? { ok: false, problems: review.problems }
    : { ok: true, definition: input as LedgerDefinition };
}

/**
 * checkDefinition's answer with what it checked the meaning on: the definition itself, or its
 * well-shaped part (null when not even that); the caller's further checks (the database's) run
 * on it too, and leave out problems `within` a replaced part.
 */
export interface DefinitionReview {
  problems: DefinitionProblem[];
  checked: LedgerDefinition | null;
  within: (path: string) => boolean;
}

export function reviewDefinition(input: unknown): DefinitionReview {
  const shape = checkShape(input);
  if (shape.length === 0) {
    const definition = input as LedgerDefinition;
    return { problems: meaningProblems(definition), checked: definition, within: () => false };
  }
  const part = wellShapedPart(input, shape);
  if (!part) return { problems: shape, checked: null, within: () => true };
  const within = (path: string) => withinReplaced(path, part.replaced);
  try {
    const meaning = meaningProblems(part.definition).filter((problem) => !within(problem.path));
    return { problems: [...shape, ...meaning], checked: part.definition, within };
  } catch {
    // a combination of stand-ins the checks did not foresee: the shape's problems alone
    return { problems: shape, checked: null, within: () => true };
  }
}

/** What a schema cannot say, of a definition of the right shape: every problem. */
function meaningProblems(definition: LedgerDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (path: string, text: Message) => problems.push({ path, message: text });

  const types: Record<string, FieldType> = {};
  const keys = new Set<string>();
  const ids = new Set<string>();
  definition.fields.forEach((field, i) => {
    if (keys.has(field.key))
      add(`/fields/${i}/key`, message(`字段标识「${field.key}」重复`, `The field key "${field.key}" appears twice`));
    // a duplicate key is reported once, not again as the id it stands for
    if (field.id !== undefined && ids.has(field.id))
      add(
        `/fields/${i}/id`,
        message(`字段 id「${fieldIdOf(field)}」重复`, `The field id "${fieldIdOf(field)}" appears twice`),
      );
    keys.add(field.key);
    ids.add(fieldIdOf(field));
    types[field.key] = field.type;
  });

  definition.fields.forEach((field, i) => {
    const spec = specOf(field);
    // Properties of other types: say so rather than ignore them silently.
    for (const property of Object.keys(field)) {
      if ((COMMON_FIELD_PROPERTIES as readonly string[]).includes(property) || Object.hasOwn(spec.options, property))
        continue;
      add(
        `/fields/${i}/${property}`,
        message(`「${field.type}」类型的字段不支持 ${property}`, `A field of type "${field.type}" has no ${property}`),
      );
    }
    for (const problem of spec.checkDefinition(field)) add(`/fields/${i}/${problem.path}`, problem.message);
    if (field.unique && !spec.canBeUnique) {
      add(
        `/fields/${i}/unique`,
        message(
          `「${textOf(spec.title, 'zh-CN')}」类型的字段不能设为唯一`,
          `A field of type "${textOf(spec.title, 'en')}" cannot be unique`,
        ),
      );
    }
    if (field.index && !spec.canBeUnique) {
      add(
        `/fields/${i}/index`,
        message(
          `「${textOf(spec.title, 'zh-CN')}」类型的字段不能设索引`,
          `A field of type "${textOf(spec.title, 'en')}" cannot be indexed`,
        ),
      );
    }
    if (field.default !== undefined && field.default !== null) {
      const normalized = spec.normalize(field.default, field);
      const issues = normalized.ok
        ? normalized.value === null
          ? []
          : spec.validate(normalized.value, field)
        : [normalized.problem];
      for (const issue of issues) add(`/fields/${i}/default`, issue);
    }
    if (field.formula !== undefined) {
      for (const issue of checkFormula(field.formula, types)) add(`/fields/${i}/formula`, issue);
    }
  });
  for (const problem of derivedFieldProblems(definition)) problems.push(problem);
  for (const cycle of formulaCycles(definition.fields)) {
    add(`/fields/${cycle}/formula`, message('计算公式循环引用了自身', 'The formula refers back to itself'));
  }

  const checkUnique = (list: { key: string }[] | undefined, where: string) => {
    const seen = new Set<string>();
    list?.forEach((item, i) => {
      if (seen.has(item.key))
        add(`/${where}/${i}/key`, message(`标识「${item.key}」重复`, `The key "${item.key}" appears twice`));
      seen.add(item.key);
    });
  };
  checkUnique(definition.rules, 'rules');
  checkUnique(definition.measures, 'measures');
  checkUnique(definition.dimensions, 'dimensions');
  checkUnique(definition.followUps, 'followUps');

  const hasRole = (key: string, role: keyof StatisticsRoles) =>
    Object.hasOwn(types, key) && FIELD_TYPE_REGISTRY[types[key]].statistics[role];
  /** The types that can play a role, by name, for a message. */
  const typesWith = (role: keyof StatisticsRoles, locale: 'zh-CN' | 'en') =>
    Object.values(FIELD_TYPE_REGISTRY)
      .filter((spec) => spec.statistics[role])
      .map((spec) => textOf(spec.title, locale))
      .join(locale === 'en' ? ', ' : '、');
  const fieldProblem = (path: string, key: string, role: keyof StatisticsRoles | null = null, what?: Message) => {
    if (!(key in types)) add(path, message(`未知字段「${key}」`, `Unknown field "${key}"`));
    else if (role && what && !hasRole(key, role)) add(path, what);
  };

  // previous()/cumulative() compare a row with its unit's other periods: rules of a periodic ledger whose rows carry their date
  const crossPeriod = (definition.period ?? 'none') !== 'none' && definition.periodField !== undefined;
  definition.rules?.forEach((rule, i) => {
    for (const issue of checkFormula(rule.check, types, { crossPeriod })) add(`/rules/${i}/check`, issue);
    if (rule.when) for (const issue of checkFormula(rule.when, types, { crossPeriod })) add(`/rules/${i}/when`, issue);
    rule.fields?.forEach((key, j) => fieldProblem(`/rules/${i}/fields/${j}`, key));
  });

  const measureKinds = new Map(definition.measures?.map((m) => [m.key, m.kind]));
  definition.measures?.forEach((measure, i) => {
    const path = `/measures/${i}`;
    if (measure.kind === 'sum') {
      fieldProblem(
        `${path}/field`,
        measure.field,
        'summable',
        message('求和的字段必须是数值类型', 'A sum needs a numeric field'),
      );
    } else if (measure.kind === 'distribution') {
      fieldProblem(
        `${path}/field`,
        measure.field,
        'categorical',
        message(
          `分布统计的字段必须是${typesWith('categorical', 'zh-CN')}`,
          `A distribution needs a field of type ${typesWith('categorical', 'en')}`,
        ),
      );
    } else if (measure.kind === 'countWhere') {
      for (const issue of checkFormula(measure.where, types)) add(`${path}/where`, issue);
    } else if (measure.kind === 'ratio') {
      for (const side of ['numerator', 'denominator'] as const) {
        const key = measure[side];
        const kind = measureKinds.get(key);
        const isSummable = kind === 'sum' || kind === 'count' || kind === 'countWhere';
        const isNumericField = hasRole(key, 'summable');
        if (!isSummable && !isNumericField) {
          add(
            `${path}/${side}`,
            message(
              `「${key}」应为数值字段，或求和、计数类统计项`,
              `"${key}" must be a numeric field or a sum, count or countWhere measure`,
            ),
          );
        }
      }
    }
  });

  definition.dimensions?.forEach((dimension, i) => {
    const path = `/dimensions/${i}/field`;
    if (dimension.kind === 'field' && dimension.field) {
      fieldProblem(
        path,
        dimension.field,
        'categorical',
        message(
          `分组字段必须是${typesWith('categorical', 'zh-CN')}`,
          `A grouping field must be of type ${typesWith('categorical', 'en')}`,
        ),
      );
    } else if (['day', 'week', 'month'].includes(dimension.kind) && dimension.field) {
      fieldProblem(
        path,
        dimension.field,
        'timeAxis',
        message(
          `按日期分组的字段必须是${typesWith('timeAxis', 'zh-CN')}`,
          `Grouping by time needs a field of type ${typesWith('timeAxis', 'en')}`,
        ),
      );
    } else if (dimension.field && (dimension.kind === 'unit' || dimension.kind === 'unitKind')) {
      add(path, message('按单位分组不需要字段', 'Grouping by unit takes no field'));
    }
  });

  definition.followUps?.forEach((followUp, i) => {
    // the saved row's id may be named, to link the new row back to it
    const withId = { ...types, id: ROW_ID_TYPE };
    for (const issue of checkFormula(followUp.when, types)) add(`/followUps/${i}/when`, issue);
    for (const [key, formula] of Object.entries(followUp.values)) {
      for (const issue of checkFormula(formula, withId)) add(`/followUps/${i}/values/${key}`, issue);
    }
    for (const [key, formula] of Object.entries(followUp.fromPublic?.values ?? {})) {
      for (const issue of checkFormula(formula, withId)) add(`/followUps/${i}/fromPublic/values/${key}`, issue);
    }
  });

  for (const kind of ['open', 'overdue'] as const) {
    const formula = definition.tracking?.[kind];
    if (formula) for (const issue of checkFormula(formula, types)) add(`/tracking/${kind}`, issue);
  }

  const period = definition.period ?? 'none';
  if (definition.periodField !== undefined) {
    if (period === 'none')
      add('/periodField', message('无周期的台账不需要周期字段', 'A ledger without a period has no period field'));
    if (definition.periodField in types && FIELD_TYPE_REGISTRY[types[definition.periodField]].valueKind !== 'date')
      add('/periodField', message('周期字段必须是日期字段', 'The period field must be a date field'));
    else fieldProblem('/periodField', definition.periodField);
    const field = definition.fields.find((f) => f.key === definition.periodField);
    if (field && !field.required)
      add('/periodField', message('周期字段必须设为必填', 'The period field must be required'));
  }
  if (definition.display !== undefined) {
    fieldProblem('/display', definition.display);
    if (definition.display in types && FIELD_TYPE_REGISTRY[types[definition.display]].redact)
      add('/display', message('显示字段不能是部分隐藏的字段', 'The display field cannot be one that is partly hidden'));
  }
  if (definition.deadline !== undefined && period === 'none') {
    add(
      '/deadline',
      message('只有按日、周、月填报的台账才有截止时间', 'Only a daily, weekly or monthly ledger has a deadline'),
    );
  }
  if (definition.deadlineNoticeMinutes !== undefined && definition.deadline === undefined) {
    add(
      '/deadlineNoticeMinutes',
      message('没有截止时间的台账不能设置截止前提醒', 'A ledger without a deadline has no notice before it'),
    );
  }
  if (definition.reminder !== undefined) {
    if (definition.deadline === undefined)
      add(
        '/reminder',
        message(
          '只有设有截止时间的周期台账才能设置定时催报',
          'Only a periodic ledger with a deadline can have a scheduled reminder',
        ),
      );
    else if (definition.reminder.at >= definition.deadline)
      add(
        '/reminder/at',
        message(
          `定时催报时间 ${definition.reminder.at} 须早于截止时间 ${definition.deadline}`,
          `The reminder time ${definition.reminder.at} must be before the deadline ${definition.deadline}`,
        ),
      );
  }
  definition.seedRows?.forEach((row, i) => {
    for (const key of Object.keys(row.values)) {
      if (!(key in types)) add(`/seedRows/${i}/values/${key}`, message(`未知字段「${key}」`, `Unknown field "${key}"`));
    }
  });

  return problems;
}

/** Indexes of computed fields that reach themselves through other computed fields. */
function formulaCycles(fields: FieldDefinition[]): number[] {
  const reads = new Map<string, string[]>();
  for (const field of fields) {
    if (!field.formula) continue;
    try {
      reads.set(field.key, compileFormula(field.formula).references);
    } catch {
      // a syntax error is reported by checkFormula
    }
  }
  const reaches = (from: string, target: string, seen: Set<string>): boolean =>
    (reads.get(from) ?? []).some(
      (next) => next === target || (!seen.has(next) && (seen.add(next), reaches(next, target, seen))),
    );
  return fields.flatMap((field, i) => (field.formula && reaches(field.key, field.key, new Set()) ? [i] : []));
}
