import { describe, expect, it } from 'vitest';
import type { FormulaNode } from './formula-ast';
import { FormulaSyntaxError } from './formula-errors';
import { tokenize } from './formula-lexer';
import { parseFormula } from './formula-parser';
import { compileFormula } from './index';

/** The tree as an S-expression, so precedence is visible at a glance. */
function show(node: FormulaNode): string {
  switch (node.kind) {
    case 'literal':
      return JSON.stringify(node.value);
    case 'field':
      return node.name;
    case 'call':
      return `${node.name}(${node.args.map(show).join(', ')})`;
    case 'not':
      return `(not ${show(node.operand)})`;
    case 'negate':
      return `(- ${show(node.operand)})`;
    default:
      return `(${node.operator} ${show(node.left)} ${show(node.right)})`;
  }
}

const parsed = (source: string): string => show(parseFormula(source));

function syntaxError(source: string): FormulaSyntaxError {
  try {
    parseFormula(source);
  } catch (error) {
    if (error instanceof FormulaSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a syntax error for ${source}`);
}

describe('tokenize', () => {
  it('reads numbers, strings, identifiers, keywords and operators with their positions', () => {
    const tokens = tokenize('a1 >= 1.5 AND "x"');
    expect(tokens.map((t) => [t.kind, t.position])).toEqual([
      ['identifier', 0],
      ['operator', 3],
      ['number', 6],
      ['keyword', 10],
      ['string', 14],
      ['end', 17],
    ]);
  });

  it('reads <> as the same operator as !=', () => {
    const operators = tokenize('a <> b != c').flatMap((t) => (t.kind === 'operator' ? [t.operator] : []));
    expect(operators).toEqual(['!=', '!=']);
  });

  it.each([
    ['"a\\"b"', 'a"b'],
    ["'it\\'s'", "it's"],
    ['"tab\\tnew\\nline\\\\"', 'tab\tnew\nline\\'],
    ['\'say "hi"\'', 'say "hi"'],
    ['"台账"', '台账'],
  ])('unescapes the string %s', (source, value) => {
    expect(tokenize(source)[0]).toMatchObject({ kind: 'string', value });
  });

  it.each([
    ['"abc', 0, 'the string has no closing quote'],
    ['x = "abc\\', 4, 'the string has no closing quote'],
    ['"a\\qb"', 2, 'unknown escape "\\q"'],
    ['1.', 0, 'malformed number'],
    ['12abc', 0, 'malformed number'],
    ['1.2.3', 0, 'malformed number'],
    ['.5', 0, 'unexpected character "."'],
    ['a ! b', 2, 'unexpected character "!"'],
    ['案件 > 1', 0, 'unexpected character "案"'],
    ['a # b', 2, 'unexpected character "#"'],
  ])('refuses %j at offset %i', (source, position, detail) => {
    const error = syntaxError(source);
    expect(error.position).toBe(position);
    expect(error.message).toBe(`Syntax error at character ${position + 1}: ${detail}`);
  });

  it('names a whole emoji, not half a surrogate pair, as the unexpected character', () => {
    expect(syntaxError('1 + 😀').text.en).toBe('Syntax error at character 5: unexpected character "😀"');
  });
});

describe('parseFormula precedence', () => {
  it.each([
    ['a or b and c', '(or a (and b c))'],
    ['a and b or c', '(or (and a b) c)'],
    ['not a and b', '(and (not a) b)'],
    ['not a = b', '(not (= a b))'],
    ['not not a', '(not (not a))'],
    ['a = 1 or b > 2 and c', '(or (= a 1) (and (> b 2) c))'],
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b / c', '(/ (/ a b) c)'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['-a * b', '(* (- a) b)'],
    ['a * -b', '(* a (- b))'],
    ['2 - -3', '(- 2 (- 3))'],
    ['a + b < c * d', '(< (+ a b) (* c d))'],
    ['a <> b', '(!= a b)'],
    ['a <= b', '(<= a b)'],
    ['a >= b', '(>= a b)'],
    ['A AND b Or NOT c', '(or (and A b) (not c))'],
    ['TRUE or False or NULL', '(or (or true false) null)'],
    ['IF(x, 1, "y")', 'if(x, 1, "y")'],
    ['today()', 'today()'],
    ['coalesce(a, b + 1, (c))', 'coalesce(a, (+ b 1), c)'],
    ['if(cases > 0, follow_ups / cases, null)', 'if((> cases 0), (/ follow_ups cases), null)'],
    ['q1 = "A" or q1 = "B"', '(or (= q1 "A") (= q1 "B"))'],
    ['  1.5\n*\t2 ', '(* 1.5 2)'],
  ])('parses %j as %s', (source, tree) => {
    expect(parsed(source)).toBe(tree);
  });

  it.each(['a < b < c', 'a = b = c', 'a != b > c'])('refuses the chained comparison %j', (source) => {
    expect(syntaxError(source).text.en).toMatch(/comparisons cannot be chained/);
  });
});

describe('parseFormula errors', () => {
  it('reports the 1-based character in both languages', () => {
    const error = syntaxError('1 + * 2');
    expect(error.position).toBe(4);
    expect(error.text).toEqual({
      'zh-CN': '第 5 个字符处语法错误：此处不应出现「*」',
      en: 'Syntax error at character 5: unexpected "*"',
    });
  });

  it.each([
    ['', 0, 'the formula is empty'],
    ['   ', 3, 'the formula is empty'],
    ['cases +', 7, 'unexpected end of formula'],
    ['(a + b', 6, 'the "(" at character 1 is not closed'],
    ['round(a, 2', 10, 'the "(" at character 6 is not closed'],
    ['a b', 2, 'unexpected "b"'],
    ['f(a,)', 4, 'unexpected ")"'],
    ['f(a b)', 4, 'unexpected "b"'],
    ['and(1)', 0, 'unexpected "and"'],
    ['a = not b', 4, 'unexpected "not"'],
    ['1 + )', 4, 'unexpected ")"'],
    ['(1))', 3, 'unexpected ")"'],
  ])('refuses %j at offset %i', (source, position, detail) => {
    const error = syntaxError(source);
    expect(error).toBeInstanceOf(FormulaSyntaxError);
    expect(error.position).toBe(position);
    expect(error.text.en).toBe(`Syntax error at character ${position + 1}: ${detail}`);
  });

  it('shortens a long unexpected token in the message', () => {
    expect(syntaxError(`a "${'x'.repeat(40)}"`).text.en).toBe(
      `Syntax error at character 3: unexpected ""${'x'.repeat(19)}…"`,
    );
  });
});

describe('parseFormula limits', () => {
  it('accepts a formula of exactly 2000 characters and refuses 2001', () => {
    const longest = `"${'a'.repeat(1998)}"`;
    expect(parsed(longest)).toBe(JSON.stringify('a'.repeat(1998)));
    const error = syntaxError(`${longest} `);
    expect(error.position).toBe(2000);
    expect(error.text['zh-CN']).toBe('第 2001 个字符处语法错误：公式超过 2000 个字符');
  });

  it('accepts 64 nested parentheses and refuses 65', () => {
    expect(parsed(`${'('.repeat(64)}1${')'.repeat(64)}`)).toBe('1');
    const error = syntaxError(`${'('.repeat(65)}1${')'.repeat(65)}`);
    expect(error.position).toBe(64);
    expect(error.text.en).toBe('Syntax error at character 65: nesting is deeper than 64 levels');
  });

  it.each([
    ['not ', 'true'],
    ['-', '1'],
    ['abs(', '1'],
  ])('counts %j towards the nesting limit', (prefix, operand) => {
    const close = prefix.endsWith('(') ? ')' : '';
    expect(() => parseFormula(`${prefix.repeat(64)}${operand}${close.repeat(64)}`)).not.toThrow();
    expect(syntaxError(`${prefix.repeat(65)}${operand}${close.repeat(65)}`).text.en).toMatch(/nesting is deeper/);
  });

  it('parses a long flat chain without counting it as nesting', () => {
    const chain = `1${' + 1'.repeat(499)}`;
    expect(chain.length).toBeLessThanOrEqual(2000);
    expect(compileFormula(chain).evaluate({ values: {}, types: {} })).toBe(500);
  });
});

describe('hostile input', () => {
  it.each([
    ['an injection attempt', 'x"; drop table t; --'],
    ['a 100 000-character string', `"${'a'.repeat(100_000)}"`],
    ['10 000 nested parentheses', `${'('.repeat(10_000)}1${')'.repeat(10_000)}`],
    ['900 nested parentheses within the length limit', `${'('.repeat(900)}1${')'.repeat(900)}`],
    ['10 000 unclosed parentheses', '('.repeat(10_000)],
    ['a lone backslash in a string', '"\\'],
    ['control characters', '\u0000\u0001'],
    ['a JavaScript expression', 'process.exit(1)'],
    ['a template literal', '`${1}`'],
  ])('gives a FormulaSyntaxError for %s', (_name, source) => {
    expect(() => compileFormula(source)).toThrow(FormulaSyntaxError);
  });

  it('refuses a huge input without reading it', () => {
    const started = Date.now();
    expect(() => compileFormula('('.repeat(1_000_000))).toThrow(FormulaSyntaxError);
    expect(Date.now() - started).toBeLessThan(100);
  });
});

describe('compileFormula', () => {
  it('lists the distinct fields read, in order of first appearance', () => {
    expect(compileFormula('if(cases > 0, follow_ups / cases, null)').references).toEqual(['cases', 'follow_ups']);
    expect(compileFormula('if(isblank(rectified_on), today() > deadline, rectified_on > deadline)').references).toEqual(
      ['rectified_on', 'deadline'],
    );
    expect(compileFormula('1 + 2').references).toEqual([]);
  });

  it('keeps the source', () => {
    expect(compileFormula('a + 1').source).toBe('a + 1');
  });

  it('refuses an unknown function or a wrong argument count at the call', () => {
    expect(() => compileFormula('1 + sum(a)')).toThrow(
      expect.objectContaining({ position: 4, message: 'Syntax error at character 5: Unknown function "sum"' }),
    );
    expect(() => compileFormula('round(1, 2, 3)')).toThrow(FormulaSyntaxError);
    expect(() => compileFormula('if(a, b)')).toThrow(FormulaSyntaxError);
  });
});
