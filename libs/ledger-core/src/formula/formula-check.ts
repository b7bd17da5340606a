import { message, type Message } from '../definition/message';
import { FIELD_TYPE_REGISTRY, type FieldType } from '../field-types/registry';
import { forEachNode, type FormulaNode } from './formula-ast';
import { FormulaSyntaxError } from './formula-errors';
import { callProblem, isCrossPeriodCall } from './formula-functions';
import { parseFormula } from './formula-parser';

export interface FormulaCheckOptions {
  /**
   * previous() and cumulative() may be used: only in the rules (check, when) of a periodic ledger
   * with a period field. Everywhere else they are refused.
   */
  crossPeriod?: boolean;
}

/** A problem with a formula and where it is: the 0-based offsets of what is wrong [from, to). */
export interface FormulaProblem {
  message: Message;
  from: number;
  to: number;
}

/**
 * Every problem with a formula, for a definition's author: a syntax error (then nothing else can
 * be said), or else each unknown field, unknown function and wrong argument count. Empty if fine.
 */
export function checkFormula(
  source: string,
  types: Record<string, FieldType>,
  options: FormulaCheckOptions = {},
): Message[] {
  return locateFormulaProblems(source, types, options).map((problem) => problem.message);
}

/** checkFormula's problems with their places in the source, for an editor to mark them. */
export function locateFormulaProblems(
  source: string,
  types: Record<string, FieldType>,
  options: FormulaCheckOptions = {},
): FormulaProblem[] {
  let root: FormulaNode;
  try {
    root = parseFormula(source);
  } catch (error) {
    if (error instanceof FormulaSyntaxError)
      return [{ message: error.text, from: error.position, to: Math.min(source.length, error.position + 1) }];
    throw error;
  }
  // Keyed by the English text, so a field misspelt twice is reported once (at its first place).
  const problems = new Map<string, FormulaProblem>();
  const add = (problem: Message | null, node: FormulaNode, length: number): void => {
    if (problem && !problems.has(problem.en))
      problems.set(problem.en, { message: problem, from: node.position, to: node.position + length });
  };
  forEachNode(root, (node) => {
    if (node.kind === 'field' && !Object.hasOwn(types, node.name)) {
      add(message(`未知字段「${node.name}」`, `Unknown field "${node.name}"`), node, node.name.length);
    } else if (node.kind === 'call') {
      add(callProblem(node), node, node.name.length);
      if (isCrossPeriodCall(node))
        add(crossPeriodProblem(node.name, node.args[0], types, options), node, node.name.length);
    }
  });
  return [...problems.values()];
}

/** previous()/cumulative() where they cannot be used, or cumulative() of a field that does not add up. */
function crossPeriodProblem(
  name: string,
  arg: FormulaNode | undefined,
  types: Record<string, FieldType>,
  options: FormulaCheckOptions,
): Message | null {
  if (!options.crossPeriod)
    return message(
      `函数 ${name} 只能用在设有周期字段（periodField）的周期台账的校验规则中`,
      `${name}() may only be used in the rules of a periodic ledger with a period field (periodField)`,
    );
  if (name !== 'cumulative' || arg?.kind !== 'field' || !Object.hasOwn(types, arg.name)) return null;
  if (FIELD_TYPE_REGISTRY[types[arg.name]]?.statistics.summable) return null;
  return message(
    `函数 cumulative 只能累计可求和的数字字段，「${arg.name}」不是`,
    `cumulative() adds up a summable number field; "${arg.name}" is not one`,
  );
}
