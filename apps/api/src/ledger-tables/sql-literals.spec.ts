import { describe, expect, it } from 'vitest';
import { inlineParameters } from './sql-literals';

describe('inlineParameters', () => {
  it('writes each value as a quoted literal, $10 apart from $1', () => {
    const params = ['a', 2, true, null, ...Array.from({ length: 5 }, (_, i) => i), 'ten'];
    expect(inlineParameters('SELECT $1, $2, $3, $4, $10', params)).toBe(`SELECT 'a', '2', 'true', NULL, 'ten'`);
  });

  it('cannot be broken out of: quotes are doubled, backslashes make an E literal', () => {
    expect(inlineParameters('x = $1', ["'; DROP TABLE units; --"])).toBe(`x = '''; DROP TABLE units; --'`);
    expect(inlineParameters('x = $1', ["a\\'b"])).toBe(`x =  E'a\\\\''b'`);
  });

  it('leaves $n alone inside literals, identifiers, comments and dollar quotes', () => {
    const sql = `SELECT '$1', "$1", E'\\'$1', $$ $1 $$, $q$ $1 $q$ -- $1\n, $1 /* $1 */`;
    expect(inlineParameters(sql, ['v'])).toBe(
      `SELECT '$1', "$1", E'\\'$1', $$ $1 $$, $q$ $1 $q$ -- $1\n, 'v' /* $1 */`,
    );
  });

  it('writes dates, arrays and objects as node-postgres sends them', () => {
    expect(inlineParameters('$1', [new Date('2026-01-02T03:04:05Z')])).toBe(`'2026-01-02T03:04:05.000Z'`);
    expect(inlineParameters('$1::int[]', [[1, 2, null]])).toBe(`'{"1","2",NULL}'::int[]`);
    expect(inlineParameters('$1::text[]', [['a"b', 'c\\d']])).toBe(` E'{"a\\\\"b","c\\\\\\\\d"}'::text[]`);
    expect(inlineParameters('$1::jsonb', [{ a: "it's" }])).toBe(`'{"a":"it''s"}'::jsonb`);
  });

  it('declines a string with NUL, which no literal can hold', () => {
    expect(inlineParameters('x = $1', ['a\u0000b'])).toBeNull();
  });

  it('refuses a placeholder without a value', () => {
    expect(() => inlineParameters('x = $2', ['a'])).toThrow(/\$2/);
  });
});
