import { forEachNode, type FormulaNode } from './formula-ast';
import { FormulaSyntaxError } from './formula-errors';
import { callProblem } from './formula-functions';
import { parseFormula } from './formula-parser';

/**
 * Parses a formula and refuses unknown functions and wrong argument counts, so that what it
 * returns can always be evaluated (or turned into SQL).
 */
export function parseCheckedFormula(source: string): FormulaNode {
  const root = parseFormula(source);
  forEachNode(root, (node) => {
    const problem = node.kind === 'call' ? callProblem(node) : null;
    if (problem) throw new FormulaSyntaxError(node.position, problem);
  });
  return root;
}
