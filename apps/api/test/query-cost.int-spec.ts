import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Issue 26, finding 6: the cost limit counted `first: $n` as 100 whatever $n was, so 30 aliases ×
 * 1,000 rows passed where the same query written out was refused. The cost is now reckoned with
 * the request's variables: the same answer either way.
 */

const ALIASES = 30; // the alias limit: the most a query may ask at once
const pages = (first: string) =>
  Array.from(
    { length: ALIASES },
    (_, i) => `r${i}: rows(ledger: "daily_followup", first: ${first}) { totalCount }`,
  ).join(' ');
const INLINE = (n: number) => `{ ${pages(String(n))} }`;
const WITH_VARIABLE = `query ($n: Int) { ${pages('$n')} }`;
const withDefault = (n: number) => `query ($n: Int = ${n}) { ${pages('$n')} }`;

describe('the query cost limit, with variables', () => {
  let t: TestApi;
  let leader: string;
  beforeAll(async () => {
    t = await startTestApi({ NODE_ENV: 'development' });
    leader = await t.signIn('leader');
  });
  afterAll(() => t?.close());

  it('refuses 30 × rows(first: $n) with n = 1000 exactly as it refuses the same query written out', async () => {
    const inline = await t.gql(INLINE(1000), {}, { token: leader });
    const variable = await t.gql(WITH_VARIABLE, { n: 1000 }, { token: leader });
    expect(inline.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COMPLEX' });
    // 30 × (1 + 1000 × 1) = 30,030 over 20,000
    expect(inline.errors![0].message).toBe('查询过于复杂：cost 30030 exceeds the limit of 20000');
    expect(variable.status).toBe(inline.status);
    expect(variable.errors).toEqual(inline.errors);
    expect(variable.data ?? null).toBeNull();
  });

  it('lets the same query through with a small n, and runs it', async () => {
    const answer = await t.gql(WITH_VARIABLE, { n: 5 }, { token: leader });
    expect(answer.errors).toBeUndefined();
    expect(Object.keys(answer.data!)).toHaveLength(ALIASES);
    expect(typeof answer.data!.r0.totalCount).toBe('number');
  });

  it("uses the variable's default when the request does not send it", async () => {
    const large = await t.gql(withDefault(1000), {}, { token: leader });
    expect(large.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COMPLEX' });
    expect(large.errors).toEqual((await t.gql(INLINE(1000), {}, { token: leader })).errors);
    const small = await t.gql(withDefault(5), {}, { token: leader });
    expect(small.errors).toBeUndefined();
    // a value sent overrides the default, both ways
    expect((await t.gql(withDefault(5), { n: 1000 }, { token: leader })).errors![0].extensions!.reason).toBe(
      'QUERY_TOO_COMPLEX',
    );
    expect((await t.gql(withDefault(1000), { n: 5 }, { token: leader })).errors).toBeUndefined();
  });

  it("still lets the grid's page of 1,000 rows through, and leaves a wrong variable to graphql-js", async () => {
    const page = `query ($first: Int) { rows(ledger: "daily_followup", first: $first) {
      totalCount edges { cursor node { id unitId period version values } } pageInfo { endCursor hasNextPage } } }`;
    expect((await t.gql(page, { first: 1000 }, { token: leader })).errors).toBeUndefined();
    const notInt = await t.gql(WITH_VARIABLE, { n: 2 ** 40 }, { token: leader });
    expect(notInt.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(notInt.errors![0].extensions!.reason).not.toBe('QUERY_TOO_COMPLEX');
  });
});
