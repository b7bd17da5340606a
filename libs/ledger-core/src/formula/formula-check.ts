import { message, type Message } from '../definition/message';
import type { FieldType } from '../field-types/registry';
import { forEachNode, type FormulaNode } from './formula-ast';
import { FormulaSyntaxError } from './formula-errors';
import { callProblem } from './formula-functions';
import { parseFormula } from './formula-parser';

/**
 * Every problem with a formula, for a definition's author: a syntax error (then nothing else can
 * be said), or else each unknown field, unknown function and wrong argument count. Empty if fine.
 */
export function checkFormula(source: string, types: Record<string, FieldType>): Message[] {
  let root: FormulaNode;
  try {
    root = parseFormula(source);
  } catch (error) {
    if (error instanceof FormulaSyntaxError) return [error.text];
    throw error;
  }
  // Keyed by the English text, so a field misspelt twice is reported once.
  const problems = new Map<string, Message>();
  const add = (problem: Message | null): void => {
    if (problem && !problems.has(problem.en)) problems.set(problem.en, problem);
  };
  forEachNode(root, (node) => {
    if (node.kind === 'field' && !Object.hasOwn(types, node.name)) {
      add(message(`未知字段「${node.name}」`, `Unknown field "${node.name}"`));
    } else if (node.kind === 'call') {
      add(callProblem(node));
    }
  });
  return [...problems.values()];
}
