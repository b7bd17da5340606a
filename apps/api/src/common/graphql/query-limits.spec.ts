import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationCost, queryLimitsRule } from './query-limits';

const schema = buildSchema(`
  type Node { id: ID! name: String child: Node children(first: Int): [Node!]! }
  type Query { node: Node nodes(first: Int): [Node!]! paged(first: Int = 20): [Node!]! }
`);
const limits = { maxDepth: 4, maxCost: 50, maxAliases: 3 };

function reasons(query: string): string[] {
  return validate(schema, parse(query), [queryLimitsRule(limits)]).map((e) => String(e.extensions.reason));
}

/** The cost of a document's one operation with these variables (what queryCostPlugin compares). */
function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  return operationCost(schema, fragments, operation, variables, limits);
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
    // 1 + 10 * (1 + 1) = 21
    expect(cost('{ nodes(first: 10) { id name } }')).toBe(21);
    // 1 + 30 * (1 + 1) = 61
    expect(cost('{ nodes(first: 30) { id name } }')).toBe(61);
    // nested: 1 + 2 * (1 + 1 + 3 * 1)
    expect(cost('{ nodes(first: 2) { id children(first: 3) { id } } }')).toBe(11);
  });

  it("counts a page passed as a variable at the variable's value, as if written in the query", () => {
    const query = 'query ($n: Int) { nodes(first: $n) { id name } }';
    expect(cost(query, { n: 1000 })).toBe(cost('{ nodes(first: 1000) { id name } }'));
    expect(cost(query, { n: 1000 })).toBe(2001);
    expect(cost(query, { n: 3 })).toBe(7);
    // through a fragment and under an alias too
    const viaFragment = 'fragment F on Query { a: nodes(first: $n) { id } } query ($n: Int) { ...F }';
    expect(cost(viaFragment, { n: 500 })).toBe(501);
  });

  it("uses the variable's default when the variable is not sent, and the argument's default when neither is", () => {
    expect(cost('query ($n: Int = 400) { nodes(first: $n) { id } }')).toBe(401);
    expect(cost('query ($n: Int = 400) { nodes(first: $n) { id } }', { n: 2 })).toBe(3);
    expect(cost('query ($n: Int) { paged(first: $n) { id } }')).toBe(21);
    // an argument left out runs with its default page, and one without a default counts 100
    expect(cost('{ paged { id } }')).toBe(21);
    expect(cost('{ nodes { id } }')).toBe(101);
    // no page argument: the field is one thing
    expect(cost('{ node { id child { id } } }')).toBe(4);
  });

  it('counts a value that is no Int (graphql-js refuses it) as the default page, never as its number', () => {
    for (const n of ['1000', 2 ** 40, 1.5, null, { n: 1 }]) {
      expect(cost('query ($n: Int) { nodes(first: $n) { id } }', { n })).toBe(101);
    }
    expect(cost('query ($n: Int) { nodes(first: $n) { id } }', { n: -5 })).toBe(2);
  });

  it('measures each fragment once, wherever it is spread (a bomb costs its size to reckon, not 2^depth)', () => {
    const depth = 17;
    const fragments = Array.from({ length: depth }, (_, i) =>
      i === depth - 1
        ? `fragment F${i} on Query { node { id } }`
        : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    );
    const document = parse(`query { ...F0 } ${fragments.join(' ')}`);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const byName = new Map(
      document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
    );
    // each fragment's type is looked up when it is measured: count those
    let measured = 0;
    const counting = new Proxy(schema, {
      get: (target, key) =>
        key === 'getType'
          ? (name: string) => {
              measured += 1;
              return target.getType(name);
            }
          : Reflect.get(target, key),
    });
    // no early stop: the exact cost, 2^16 spreads of F16 costing 2 each
    const unbounded = { ...limits, maxCost: Number.MAX_VALUE };
    expect(operationCost(counting, byName, operation, {}, unbounded)).toBe(2 ** 17);
    expect(measured).toBe(depth);
  });

  it('refuses while validating what costs too much whatever the variables, and leaves variable pages to the plugin', () => {
    expect(reasons('{ nodes(first: 30) { id name } }')).toEqual(['QUERY_TOO_COMPLEX']);
    expect(reasons('query ($n: Int) { nodes(first: $n) { id name } }')).toEqual([]);
  });

  it('counts aliases', () => {
    expect(reasons('{ a: node { id } b: node { id } c: node { id } d: node { id } }')).toEqual(['TOO_MANY_ALIASES']);
  });

  it('survives a fragment cycle without looping (graphql-js reports the cycle itself)', () => {
    const cyclic = 'fragment A on Node { child { ...B } } fragment B on Node { child { ...A } } { node { ...A } }';
    expect(() => reasons(cyclic)).not.toThrow();
  });
});
