import { compileFormula, type CrossPeriodUse, type Formula } from '../formula';
import { specOf, type AnyFieldTypeSpec, type FieldDefinition, type FieldType } from '../field-types/registry';
import { fieldIdOf } from './check-definition';
import { isComputedField } from './derived-fields';
import type { LedgerDefinition, RuleDefinition } from './types';

export interface CompiledRule {
  rule: RuleDefinition;
  check: Formula;
  when: Formula | null;
  /** The fields a failure marks. */
  fields: string[];
  /** Its check or condition uses previous()/cumulative(): it is judged only with the caller's CrossPeriodValues. */
  crossPeriod: boolean;
}

/**
 * A checked definition made ready for use: fields by key, their type specs, formulas compiled
 * once, computed fields in the order they must be evaluated. Build it with `modelOf` only from a
 * definition that `checkDefinition` accepted.
 */
export interface LedgerModel {
  definition: LedgerDefinition;
  fields: FieldDefinition[];
  byKey: Map<string, FieldDefinition>;
  byId: Map<string, FieldDefinition>;
  spec(field: FieldDefinition): AnyFieldTypeSpec;
  types: Record<string, FieldType>;
  /** Computed fields, each after the computed fields it reads. */
  computed: { field: FieldDefinition; formula: Formula }[];
  rules: CompiledRule[];
  /**
   * The fields the rules ask previous() and cumulative() of, for the write pipeline to fetch
   * (both empty: nothing to fetch).
   */
  crossPeriod: CrossPeriodUse;
  /** Fields a user may type into. */
  editable: FieldDefinition[];
}

export function modelOf(definition: LedgerDefinition): LedgerModel {
  const byKey = new Map(definition.fields.map((f) => [f.key, f]));
  const types = Object.fromEntries(definition.fields.map((f) => [f.key, f.type])) as Record<string, FieldType>;
  const formulas = new Map(definition.fields.filter((f) => f.formula).map((f) => [f.key, compileFormula(f.formula!)]));

  const computed: LedgerModel['computed'] = [];
  const placed = new Set<string>();
  const place = (key: string) => {
    if (placed.has(key) || !formulas.has(key)) return;
    placed.add(key);
    for (const dependency of formulas.get(key)!.references) place(dependency);
    computed.push({ field: byKey.get(key)!, formula: formulas.get(key)! });
  };
  for (const key of formulas.keys()) place(key);

  const crossPeriod: CrossPeriodUse = { previous: [], cumulative: [] };
  const rules = (definition.rules ?? []).map((rule) => {
    const check = compileFormula(rule.check);
    const when = rule.when ? compileFormula(rule.when) : null;
    let uses = false;
    for (const formula of when ? [check, when] : [check])
      for (const kind of ['previous', 'cumulative'] as const)
        for (const key of formula.crossPeriod[kind]) {
          uses = true;
          if (!crossPeriod[kind].includes(key)) crossPeriod[kind].push(key);
        }
    return {
      rule,
      check,
      when,
      fields: rule.fields ?? check.references.filter((key) => byKey.has(key)),
      crossPeriod: uses,
    };
  });

  return {
    definition,
    fields: definition.fields,
    byKey,
    byId: new Map(definition.fields.map((f) => [fieldIdOf(f), f])),
    spec: specOf,
    types,
    computed,
    rules,
    crossPeriod,
    editable: definition.fields.filter((f) => !isComputedField(f)),
  };
}
