import fc from 'fast-check';
import { graphql, type HttpRequest } from './answers';
import type { Hostile } from './documents';

/**
 * Oversized and deeply nested requests: past the query limits (depth 10, cost 20 000, 30 aliases:
 * docs/api.md), past the body limit (20 MB), past saveRows' 20 000 changes, and JSON nested or
 * listed far beyond anything the filter reads. Sizes are drawn so that each is over its limit.
 */

const ROWS = 'query ($f: JSON) { rows(ledger: "daily_followup", filter: $f) { totalCount } }';

export function oversizedRequests(token: string): Record<string, fc.Arbitrary<Hostile>> {
  const ask = (label: string, query: string, variables: unknown = {}): Hostile => ({
    label,
    request: graphql(query, variables, token),
  });
  return {
    'nested past the depth limit': fc
      .integer({ min: 11, max: 2500 })
      .map((n) =>
        ask(
          `depth ${n}`,
          `{ __schema { types { fields { type ${'{ ofType '.repeat(n)}{ name }${' }'.repeat(n)} } } } }`,
        ),
      ),
    'alias bomb': fc
      .integer({ min: 31, max: 5000 })
      .map((k) => ask(`${k} aliases`, `{ ${Array.from({ length: k }, (_, i) => `a${i}: __typename`).join(' ')} }`)),
    'aliases of a costly field': fc
      .integer({ min: 21, max: 30 })
      .map((k) =>
        ask(
          `${k} × rows(first: 1000)`,
          `{ ${Array.from({ length: k }, (_, i) => `r${i}: rows(ledger: "daily_followup", first: 1000) { totalCount }`).join(' ')} }`,
        ),
      ),
    'fragment bomb': fc
      .integer({ min: 2, max: 6 })
      .chain((fanOut) =>
        fc
          .integer({ min: Math.ceil(Math.log(20_001) / Math.log(fanOut)), max: 30 })
          .map((depth) => ({ fanOut, depth })),
      )
      .map(({ fanOut, depth }) => {
        const fragments = Array.from({ length: depth }, (_, i) => {
          const body = i === depth - 1 ? 'me { id }' : Array.from({ length: fanOut }, () => `...F${i + 1}`).join(' ');
          return `fragment F${i} on Query { ${body} }`;
        });
        return ask(`${fanOut}^${depth} spreads`, `query { ...F0 } ${fragments.join(' ')}`);
      }),
    'too wide': fc
      .integer({ min: 20_001, max: 40_000 })
      .map((w) => ask(`${w} fields`, `{ ${'__typename '.repeat(w)}}`)),
    'directive repeated': fc
      .integer({ min: 2, max: 3000 })
      .map((m) => ask(`${m} directives`, `{ __typename ${'@include(if: true) '.repeat(m)}}`)),
    'many operations, none named': fc
      .integer({ min: 2, max: 3000 })
      .map((k) => ask(`${k} operations`, Array.from({ length: k }, (_, i) => `query Q${i} { __typename }`).join(' '))),
    'huge string literal': fc
      .integer({ min: 10_000, max: 1_000_000 })
      .map((n) => ask(`${n}-character ledger key`, `{ ledger(key: "${'k'.repeat(n)}") { key } }`)),
    // written as text: JSON.stringify itself would overflow its stack on these depths
    'JSON nested deep in a filter': fc.integer({ min: 100, max: 50_000 }).map((depth) => ({
      label: `depth ${depth}`,
      request: rawVariables(ROWS, `{"f":${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}}`, token),
    })),
    'JSON nested deep in a value': fc.integer({ min: 100, max: 50_000 }).map((depth) => ({
      label: `depth ${depth}`,
      request: rawVariables(ROWS, `{"f":{"cases":{"in":${'['.repeat(depth)}"x"${']'.repeat(depth)}}}}`, token),
    })),
    'in-list past 1000 values': fc
      .integer({ min: 1001, max: 20_000 })
      .map((n) => ask(`${n} values`, ROWS, { f: { cases: { in: Array.from({ length: n }, (_, i) => i) } } })),
  };
}

function rawVariables(query: string, variables: string, token: string): HttpRequest {
  return {
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: `{"query":${JSON.stringify(query)},"variables":${variables}}`,
  };
}

/** Few, heavy, fixed: each is one request of megabytes. */
export function heavyRequests(token: string): Hostile[] {
  const save = 'mutation ($c: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $c) { saved } }';
  const invalid = { op: 'INSERT', values: { cases: 'x' } };
  return [
    {
      label: 'body over 20 MB',
      request: graphql('{ me { id } }', { padding: 'p'.repeat(21 * 1024 * 1024) }, token),
    },
    {
      label: '20 001 changes',
      request: graphql(save, { c: Array.from({ length: 20_001 }, () => invalid) }, token),
    },
    {
      // about 2 MB of tokens: the parser stops at 50,000 (app.module.ts, parseOptions.maxTokens)
      label: '200 000 tokens',
      request: graphql(`{ ${'__typename '.repeat(200_000)}}`, {}, token),
    },
  ];
}
