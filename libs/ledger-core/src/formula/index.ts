import { collectReferences } from './formula-ast';
import { parseCheckedFormula } from './formula-compile';
import { evaluateFormula } from './formula-evaluator';
import type { FormulaEnv, FormulaValue } from './formula-values';

export type { FormulaEnv, FormulaValue } from './formula-values';
export { FormulaSyntaxError } from './formula-errors';
export { checkFormula } from './formula-check';
export { FORMULA_FUNCTIONS } from './formula-functions';
export { MAX_FORMULA_LENGTH, MAX_NESTING_DEPTH } from './formula-parser';
export { formulaToSql, type SqlContext } from './formula-sql';
export { measureToSql } from './measure-sql';

export interface Formula {
  source: string;
  /** The distinct field keys the formula reads, in order of first appearance. */
  references: string[];
  evaluate(env: FormulaEnv): FormulaValue;
}

/**
 * Parses a formula once for many evaluations. Throws FormulaSyntaxError for a syntax error and
 * also for an unknown function or a wrong argument count, so a compiled formula always evaluates.
 * Unknown fields are not its concern (they read as null); checkFormula reports them.
 */
export function compileFormula(source: string): Formula {
  const root = parseCheckedFormula(source);
  const references = collectReferences(root);
  return { source, references, evaluate: (env) => evaluateFormula(root, env) };
}
