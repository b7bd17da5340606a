/** The syntax tree of a formula. Every node keeps the 0-based offset where it starts in the source. */

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithmeticOperator = '+' | '-' | '*' | '/';
export type LogicalOperator = 'and' | 'or';

export interface LiteralNode {
  kind: 'literal';
  value: number | string | boolean | null;
  position: number;
}

export interface FieldNode {
  kind: 'field';
  /** The field key as written. */
  name: string;
  position: number;
}

export interface CallNode {
  kind: 'call';
  /** Lower-cased: function names are case-insensitive. */
  name: string;
  args: FormulaNode[];
  position: number;
}

export interface NotNode {
  kind: 'not';
  operand: FormulaNode;
  position: number;
}

export interface NegateNode {
  kind: 'negate';
  operand: FormulaNode;
  position: number;
}

export interface LogicalNode {
  kind: 'logical';
  operator: LogicalOperator;
  left: FormulaNode;
  right: FormulaNode;
  position: number;
}

export interface ComparisonNode {
  kind: 'comparison';
  operator: ComparisonOperator;
  left: FormulaNode;
  right: FormulaNode;
  position: number;
}

export interface ArithmeticNode {
  kind: 'arithmetic';
  operator: ArithmeticOperator;
  left: FormulaNode;
  right: FormulaNode;
  position: number;
}

export type FormulaNode =
  LiteralNode | FieldNode | CallNode | NotNode | NegateNode | LogicalNode | ComparisonNode | ArithmeticNode;

/** The node's children in source order. */
export function childrenOf(node: FormulaNode): readonly FormulaNode[] {
  switch (node.kind) {
    case 'literal':
    case 'field':
      return [];
    case 'call':
      return node.args;
    case 'not':
    case 'negate':
      return [node.operand];
    case 'logical':
    case 'comparison':
    case 'arithmetic':
      return [node.left, node.right];
    default:
      return assertNever(node);
  }
}

/** Visits every node, parents before children, in source order. */
export function forEachNode(node: FormulaNode, visit: (node: FormulaNode) => void): void {
  visit(node);
  for (const child of childrenOf(node)) forEachNode(child, visit);
}

/** The distinct field keys a formula reads, in order of first appearance. */
export function collectReferences(root: FormulaNode): string[] {
  const seen = new Set<string>();
  forEachNode(root, (node) => {
    if (node.kind === 'field') seen.add(node.name);
  });
  return [...seen];
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected formula node: ${JSON.stringify(value)}`);
}
