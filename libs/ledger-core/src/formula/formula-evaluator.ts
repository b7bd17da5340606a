import {
  assertNever,
  type ArithmeticNode,
  type ComparisonNode,
  type FormulaNode,
  type LogicalNode,
} from './formula-ast';
import { compareValues, equalValues } from './formula-compare';
import { callFunction, type CrossPeriodFunction, type FunctionContext } from './formula-functions';
import { readField, toFormulaValue, type FormulaEnv, type FormulaValue, type Value } from './formula-values';

/**
 * Evaluates a parsed formula with SQL-like three-valued logic: null is "unknown" and spreads
 * through arithmetic and comparisons. Bad data never throws; it behaves as null.
 */
export function evaluateFormula(root: FormulaNode, env: FormulaEnv): FormulaValue {
  let now: number | null | undefined;
  const context: FunctionContext = {
    evaluate: (node) => evaluateNode(node, context, env),
    // Read the clock once, so today() and now() agree within one evaluation.
    now: () => {
      if (now === undefined) {
        const ms = (env.now ?? new Date()).getTime();
        now = Number.isFinite(ms) ? ms : null;
      }
      return now;
    },
    crossPeriod: (kind, field) => crossPeriodValue(env, kind, field),
  };
  return toFormulaValue(evaluateNode(root, context, env));
}

function evaluateNode(node: FormulaNode, context: FunctionContext, env: FormulaEnv): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'field':
      return readField(env, node.name);
    case 'call':
      return callFunction(node, context);
    case 'not': {
      const operand = truth(context.evaluate(node.operand));
      return operand === null ? null : !operand;
    }
    case 'negate': {
      const operand = context.evaluate(node.operand);
      return typeof operand === 'number' ? -operand : null;
    }
    case 'logical':
      return logical(node, context);
    case 'comparison':
      return comparison(node, context);
    case 'arithmetic':
      return arithmetic(node, context);
    default:
      return assertNever(node);
  }
}

/**
 * previous(field) reads the caller's value as the field's type; cumulative(field) is the other
 * rows' total plus this row's own value as it is now (null only when both are null). Without the
 * caller's values both are null: validateRow does not run a rule that uses them then.
 */
function crossPeriodValue(env: FormulaEnv, kind: CrossPeriodFunction, field: string): Value {
  const given = env.crossPeriod;
  if (!given) return null;
  if (kind === 'previous') return readField({ values: given.previous, types: env.types }, field);
  const others = readField({ values: given.cumulative, types: env.types }, field);
  const own = readField(env, field);
  if (others === null && own === null) return null;
  if ((others !== null && typeof others !== 'number') || (own !== null && typeof own !== 'number')) return null;
  const total = (others ?? 0) + (own ?? 0);
  return Number.isFinite(total) ? total : null;
}

/** Anything but a boolean is unknown to `and`, `or` and `not`. */
function truth(value: Value): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function logical(node: LogicalNode, context: FunctionContext): Value {
  // false decides `and` and true decides `or`, whatever the other side is, even null.
  const decisive = node.operator === 'or';
  const left = truth(context.evaluate(node.left));
  if (left === decisive) return decisive;
  const right = truth(context.evaluate(node.right));
  if (right === decisive) return decisive;
  return left === null || right === null ? null : !decisive;
}

function comparison(node: ComparisonNode, context: FunctionContext): Value {
  const left = context.evaluate(node.left);
  const right = context.evaluate(node.right);
  switch (node.operator) {
    case '=':
      return equalValues(left, right);
    case '!=': {
      const equal = equalValues(left, right);
      return equal === null ? null : !equal;
    }
    default: {
      const order = compareValues(left, right);
      if (order === null) return null;
      if (node.operator === '<') return order < 0;
      if (node.operator === '<=') return order <= 0;
      if (node.operator === '>') return order > 0;
      return order >= 0;
    }
  }
}

function arithmetic(node: ArithmeticNode, context: FunctionContext): Value {
  const left = context.evaluate(node.left);
  const right = context.evaluate(node.right);
  if (node.operator === '+' && typeof left === 'string' && typeof right === 'string') return left + right;
  if (typeof left !== 'number' || typeof right !== 'number') return null;
  let result: number;
  switch (node.operator) {
    case '+':
      result = left + right;
      break;
    case '-':
      result = left - right;
      break;
    case '*':
      result = left * right;
      break;
    case '/':
      if (right === 0) return null;
      result = left / right;
      break;
  }
  // Overflow is as unknowable as a division by zero.
  return Number.isFinite(result) ? result : null;
}
