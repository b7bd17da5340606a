import { collectReferences, forEachNode } from './formula-ast';
import { parseCheckedFormula } from './formula-compile';
import { evaluateFormula } from './formula-evaluator';
import { isCrossPeriodCall } from './formula-functions';
import type { FormulaEnv, FormulaValue } from './formula-values';

export type { CrossPeriodValues, FormulaEnv, FormulaValue } from './formula-values';
export { FormulaSyntaxError } from './formula-errors';
export { checkFormula, locateFormulaProblems, type FormulaCheckOptions, type FormulaProblem } from './formula-check';
export * from './formula-assist';
export { CROSS_PERIOD_FUNCTIONS, FORMULA_FUNCTIONS, type CrossPeriodFunction } from './formula-functions';
export { MAX_FORMULA_LENGTH, MAX_NESTING_DEPTH } from './formula-parser';
export { formulaToSql, type SqlContext } from './formula-sql';
export { measureRowsSql, measureToSql, MEASURE_PARTS, type MeasurePart } from './measure-sql';

export interface Formula {
  source: string;
  /** The distinct field keys the formula reads, in order of first appearance. */
  references: string[];
  /** The fields it reads through previous() and through cumulative(); both empty for most formulas. */
  crossPeriod: CrossPeriodUse;
  evaluate(env: FormulaEnv): FormulaValue;
}

/** Which fields previous() and cumulative() are asked of, each distinct, in order of appearance. */
export interface CrossPeriodUse {
  previous: string[];
  cumulative: string[];
}

/**
 * Parses a formula once for many evaluations. Throws FormulaSyntaxError for a syntax error and
 * also for an unknown function or a wrong argument count, so a compiled formula always evaluates.
 * Unknown fields are not its concern (they read as null); checkFormula reports them.
 */
export function compileFormula(source: string): Formula {
  const root = parseCheckedFormula(source);
  const references = collectReferences(root);
  const crossPeriod: CrossPeriodUse = { previous: [], cumulative: [] };
  forEachNode(root, (node) => {
    if (!isCrossPeriodCall(node) || node.args[0]?.kind !== 'field') return;
    const used = crossPeriod[node.name];
    if (!used.includes(node.args[0].name)) used.push(node.args[0].name);
  });
  return { source, references, crossPeriod, evaluate: (env) => evaluateFormula(root, env) };
}
