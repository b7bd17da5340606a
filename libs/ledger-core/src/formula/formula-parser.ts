import { message, type Message } from '../definition/message';
import type { ArithmeticOperator, ComparisonOperator, FormulaNode } from './formula-ast';
import { FormulaSyntaxError } from './formula-errors';
import { tokenize, type FormulaOperator, type FormulaToken } from './formula-lexer';

/** Longer formulas are refused before they are read, so hostile input costs nothing. */
export const MAX_FORMULA_LENGTH = 2000;
/** Parentheses, calls and prefix operators nest; past this the parser refuses rather than recurse on. */
export const MAX_NESTING_DEPTH = 64;

const COMPARISONS: ReadonlySet<FormulaOperator> = new Set<FormulaOperator>(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Parses a formula into its syntax tree. Precedence, lowest first: `or`; `and`; prefix `not`;
 * comparisons (non-associative); `+ -`; `* /`; unary `-`; literals, fields, calls, parentheses.
 * Throws FormulaSyntaxError. Function names and argument counts are not checked here.
 */
export function parseFormula(source: string): FormulaNode {
  if (source.length > MAX_FORMULA_LENGTH) {
    throw new FormulaSyntaxError(
      MAX_FORMULA_LENGTH,
      message(`公式超过 ${MAX_FORMULA_LENGTH} 个字符`, `the formula is longer than ${MAX_FORMULA_LENGTH} characters`),
    );
  }
  return new Parser(tokenize(source)).parse();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly FormulaToken[]) {}

  parse(): FormulaNode {
    const first = this.peek();
    if (first.kind === 'end') throw new FormulaSyntaxError(first.position, message('公式为空', 'the formula is empty'));
    const root = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next);
    return root;
  }

  private parseOr(): FormulaNode {
    let left = this.parseAnd();
    for (let token = this.peek(); isKeyword(token, 'or'); token = this.peek()) {
      this.index++;
      left = { kind: 'logical', operator: 'or', left, right: this.parseAnd(), position: token.position };
    }
    return left;
  }

  private parseAnd(): FormulaNode {
    let left = this.parseNot();
    for (let token = this.peek(); isKeyword(token, 'and'); token = this.peek()) {
      this.index++;
      left = { kind: 'logical', operator: 'and', left, right: this.parseNot(), position: token.position };
    }
    return left;
  }

  private parseNot(): FormulaNode {
    const token = this.peek();
    if (!isKeyword(token, 'not')) return this.parseComparison();
    this.index++;
    return this.nested(token, () => ({ kind: 'not', operand: this.parseNot(), position: token.position }));
  }

  private parseComparison(): FormulaNode {
    const left = this.parseAdditive();
    const token = this.peek();
    if (token.kind !== 'operator' || !COMPARISONS.has(token.operator)) return left;
    this.index++;
    const right = this.parseAdditive();
    const after = this.peek();
    // `a < b < c` means something else in every language that allows it; ask for parentheses.
    if (after.kind === 'operator' && COMPARISONS.has(after.operator)) {
      throw new FormulaSyntaxError(
        after.position,
        message('比较运算不能连用，请加括号', 'comparisons cannot be chained; add parentheses'),
      );
    }
    const operator = token.operator as ComparisonOperator;
    return { kind: 'comparison', operator, left, right, position: token.position };
  }

  private parseAdditive(): FormulaNode {
    let left = this.parseMultiplicative();
    for (let token = this.peek(); isOperator(token, '+', '-'); token = this.peek()) {
      this.index++;
      const operator = token.operator as ArithmeticOperator;
      left = { kind: 'arithmetic', operator, left, right: this.parseMultiplicative(), position: token.position };
    }
    return left;
  }

  private parseMultiplicative(): FormulaNode {
    let left = this.parseUnary();
    for (let token = this.peek(); isOperator(token, '*', '/'); token = this.peek()) {
      this.index++;
      const operator = token.operator as ArithmeticOperator;
      left = { kind: 'arithmetic', operator, left, right: this.parseUnary(), position: token.position };
    }
    return left;
  }

  private parseUnary(): FormulaNode {
    const token = this.peek();
    if (!isOperator(token, '-')) return this.parsePrimary();
    this.index++;
    return this.nested(token, () => ({ kind: 'negate', operand: this.parseUnary(), position: token.position }));
  }

  private parsePrimary(): FormulaNode {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
      case 'string':
        this.index++;
        return { kind: 'literal', value: token.value, position: token.position };
      case 'keyword':
        if (token.keyword === 'true' || token.keyword === 'false' || token.keyword === 'null') {
          this.index++;
          const value = token.keyword === 'null' ? null : token.keyword === 'true';
          return { kind: 'literal', value, position: token.position };
        }
        throw this.unexpected(token);
      case 'identifier':
        this.index++;
        if (isOperator(this.peek(), '(')) return this.parseCall(token);
        return { kind: 'field', name: token.name, position: token.position };
      case 'operator':
        if (token.operator !== '(') throw this.unexpected(token);
        this.index++;
        return this.nested(token, () => {
          const inner = this.parseOr();
          this.expectClosing(token);
          return inner;
        });
      case 'end':
        throw this.unexpected(token);
    }
  }

  private parseCall(name: FormulaToken & { kind: 'identifier' }): FormulaNode {
    const open = this.peek();
    this.index++;
    return this.nested(open, () => {
      const args: FormulaNode[] = [];
      if (isOperator(this.peek(), ')')) {
        this.index++;
      } else {
        args.push(this.parseOr());
        while (isOperator(this.peek(), ',')) {
          this.index++;
          args.push(this.parseOr());
        }
        this.expectClosing(open);
      }
      return { kind: 'call', name: name.name.toLowerCase(), args, position: name.position };
    });
  }

  private expectClosing(open: FormulaToken): void {
    const token = this.peek();
    if (isOperator(token, ')')) {
      this.index++;
      return;
    }
    const detail =
      token.kind === 'end'
        ? message(
            `第 ${open.position + 1} 个字符处的「(」缺少「)」`,
            `the "(" at character ${open.position + 1} is not closed`,
          )
        : unexpectedDetail(token);
    throw new FormulaSyntaxError(token.position, detail);
  }

  /** Runs a step one nesting level deeper, refusing input nested deeper than the limit. */
  private nested<T>(token: FormulaToken, parse: () => T): T {
    if (this.depth >= MAX_NESTING_DEPTH) {
      throw new FormulaSyntaxError(
        token.position,
        message(`嵌套超过 ${MAX_NESTING_DEPTH} 层`, `nesting is deeper than ${MAX_NESTING_DEPTH} levels`),
      );
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private peek(): FormulaToken {
    // tokenize always ends with an `end` token, and the parser never steps past it.
    return this.tokens[Math.min(this.index, this.tokens.length - 1)];
  }

  private unexpected(token: FormulaToken): FormulaSyntaxError {
    return new FormulaSyntaxError(token.position, unexpectedDetail(token));
  }
}

function unexpectedDetail(token: FormulaToken): Message {
  if (token.kind === 'end') return message('公式不完整', 'unexpected end of formula');
  const shown = token.text.length > 20 ? `${token.text.slice(0, 20)}…` : token.text;
  return message(`此处不应出现「${shown}」`, `unexpected "${shown}"`);
}

function isKeyword(token: FormulaToken, keyword: string): boolean {
  return token.kind === 'keyword' && token.keyword === keyword;
}

function isOperator(
  token: FormulaToken,
  ...operators: FormulaOperator[]
): token is FormulaToken & { kind: 'operator'; operator: FormulaOperator } {
  return token.kind === 'operator' && operators.includes(token.operator);
}
