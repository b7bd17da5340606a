import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryLimitsRule } from './query-limits';

const schema = buildSchema(`
  type Node { id: ID! name: String child: Node children(first: Int): [Node!]! }
  type Query { node: Node nodes(first: Int): [Node!]! }
`);
const limits = { maxDepth: 4, maxCost: 50, maxAliases: 3 };

function reasons(query: string): string[] {
  return validate(schema, parse(query), [queryLimitsRule(limits)]).map((e) => String(e.extensions.reason));
}

describe('queryLimitsRule', () => {
  it('lets a modest query through', () => {
    expect(reasons('{ node { id child { id name } } }')).toEqual([]);
  });

  it('refuses a query nested past the depth limit, also through fragments', () => {
    expect(reasons('{ node { child { child { child { child { id } } } } } }')).toEqual(['QUERY_TOO_DEEP']);
    const viaFragment = `
      fragment Deep on Node { child { child { child { id } } } }
      { node { child { ...Deep } } }`;
    expect(reasons(viaFragment)).toEqual(['QUERY_TOO_DEEP']);
  });

  it('multiplies a list field by the page it asks for', () => {
    // 1 + 10 * (1 + 1) = 21: under 50
    expect(reasons('{ nodes(first: 10) { id name } }')).toEqual([]);
    // 1 + 30 * (1 + 1) = 61: over 50
    expect(reasons('{ nodes(first: 30) { id name } }')).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('counts aliases', () => {
    expect(reasons('{ a: node { id } b: node { id } c: node { id } d: node { id } }')).toEqual(['TOO_MANY_ALIASES']);
  });

  it('survives a fragment cycle without looping (graphql-js reports the cycle itself)', () => {
    const cyclic = 'fragment A on Node { child { ...B } } fragment B on Node { child { ...A } } { node { ...A } }';
    expect(() => reasons(cyclic)).not.toThrow();
  });
});
