import { message } from '../definition/message';
import { FormulaSyntaxError } from './formula-errors';

export type FormulaOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '(' | ')' | ',';
export type FormulaKeyword = 'and' | 'or' | 'not' | 'true' | 'false' | 'null';

interface TokenBase {
  /** 0-based offset of the token's first character. */
  position: number;
  /** The token as written, for error messages. */
  text: string;
}

export type FormulaToken =
  | (TokenBase & { kind: 'number'; value: number })
  | (TokenBase & { kind: 'string'; value: string })
  | (TokenBase & { kind: 'identifier'; name: string })
  | (TokenBase & { kind: 'keyword'; keyword: FormulaKeyword })
  | (TokenBase & { kind: 'operator'; operator: FormulaOperator })
  | (TokenBase & { kind: 'end' });

const KEYWORDS: ReadonlySet<string> = new Set<FormulaKeyword>(['and', 'or', 'not', 'true', 'false', 'null']);
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
  ['\\', '\\'],
  ['"', '"'],
  ["'", "'"],
]);
const SINGLE_OPERATORS: ReadonlySet<string> = new Set(['=', '+', '-', '*', '/', '(', ')', ',']);

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentifierStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentifierPart = (c: string): boolean => isIdentifierStart(c) || isDigit(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u3000';

/** Splits a formula into tokens; the last one is always `end`. Throws FormulaSyntaxError. */
export function tokenize(source: string): FormulaToken[] {
  const tokens: FormulaToken[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const start = i;
    if (isSpace(c)) {
      i++;
    } else if (isDigit(c)) {
      i = readNumber(source, start, tokens);
    } else if (c === '"' || c === "'") {
      i = readString(source, start, tokens);
    } else if (isIdentifierStart(c)) {
      while (i < source.length && isIdentifierPart(source[i])) i++;
      const text = source.slice(start, i);
      const lower = text.toLowerCase();
      tokens.push(
        KEYWORDS.has(lower)
          ? { kind: 'keyword', keyword: lower as FormulaKeyword, position: start, text }
          : { kind: 'identifier', name: text, position: start, text },
      );
    } else {
      i = readOperator(source, start, tokens);
    }
  }
  tokens.push({ kind: 'end', position: source.length, text: '' });
  return tokens;
}

function readNumber(source: string, start: number, tokens: FormulaToken[]): number {
  let i = start;
  while (i < source.length && isDigit(source[i])) i++;
  if (source[i] === '.') {
    i++;
    if (!isDigit(source[i] ?? '')) throw malformedNumber(start);
    while (i < source.length && isDigit(source[i])) i++;
  }
  // "12abc" or "1.2.3" is a typo, not two tokens side by side.
  if (i < source.length && (isIdentifierPart(source[i]) || source[i] === '.')) throw malformedNumber(start);
  const text = source.slice(start, i);
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new FormulaSyntaxError(start, message('数字太大', 'the number is too large'));
  }
  tokens.push({ kind: 'number', value, position: start, text });
  return i;
}

function malformedNumber(position: number): FormulaSyntaxError {
  return new FormulaSyntaxError(position, message('数字格式不正确', 'malformed number'));
}

function readString(source: string, start: number, tokens: FormulaToken[]): number {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= source.length) {
      throw new FormulaSyntaxError(start, message('字符串缺少结尾的引号', 'the string has no closing quote'));
    }
    const c = source[i];
    if (c === quote) break;
    if (c === '\\') {
      const next = source[i + 1];
      // A trailing backslash leaves the string open; the check above reports it.
      if (next === undefined) {
        i++;
        continue;
      }
      const escaped = ESCAPES.get(next);
      if (escaped === undefined) {
        throw new FormulaSyntaxError(i, message(`未知的转义「\\${next}」`, `unknown escape "\\${next}"`));
      }
      value += escaped;
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  i++;
  tokens.push({ kind: 'string', value, position: start, text: source.slice(start, i) });
  return i;
}

function readOperator(source: string, start: number, tokens: FormulaToken[]): number {
  const c = source[start];
  const next = source[start + 1];
  let operator: FormulaOperator;
  let length = 1;
  if (c === '<' && next === '>') {
    // SQL's spelling of "not equal"; the parser only ever sees one.
    operator = '!=';
    length = 2;
  } else if ((c === '<' || c === '>' || c === '!') && next === '=') {
    operator = `${c}=` as FormulaOperator;
    length = 2;
  } else if (c === '<' || c === '>' || SINGLE_OPERATORS.has(c)) {
    operator = c as FormulaOperator;
  } else {
    // Show a whole code point, not half of a surrogate pair.
    const shown = String.fromCodePoint(source.codePointAt(start) ?? 0);
    throw new FormulaSyntaxError(start, message(`无法识别的字符「${shown}」`, `unexpected character "${shown}"`));
  }
  tokens.push({ kind: 'operator', operator, position: start, text: source.slice(start, start + length) });
  return start + length;
}
