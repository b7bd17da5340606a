import fc from 'fast-check';
import { graphql, type HttpRequest } from './answers';

/**
 * Malformed and oversized GraphQL requests. Each generator makes requests that must be refused:
 * the mutations of valid documents are chosen so that they always break the syntax (a missing
 * closing brace, a lone bracket, a character GraphQL allows nowhere), never a valid document by
 * chance.
 */

/** Valid documents, each one definition ending in its closing brace. */
export const VALID_DOCUMENTS = [
  '{ me { id username role unit { id name } } }',
  '{ ledgers { key title fields { key type } } }',
  'query ($ledger: String!) { rows(ledger: $ledger, first: 5) { totalCount edges { node { id values } } } }',
  'mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) { saved rejected } }',
  '{ statistics(ledger: "daily_followup", measures: ["cases"], groupBy: ["unit"]) { totals { measure value } } }',
  'mutation { signIn(username: "clerk01", password: "Taizhang@2026") { token } }',
];

const document = fc.constantFrom(...VALID_DOCUMENTS);
/** Characters GraphQL allows neither in tokens nor in strings: C0 controls other than tab and line ends. */
const forbiddenCharacter = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.constantFrom(0x0b, 0x0c),
  fc.integer({ min: 0x0e, max: 0x1f }),
  fc.integer({ min: 0xd800, max: 0xdfff }),
);

/** Where a character can go without landing inside a "string" (the documents have no escapes). */
function positionsOutsideStrings(doc: string): number[] {
  const positions: number[] = [];
  let quotes = 0;
  for (let i = 0; i <= doc.length; i += 1) {
    if (quotes % 2 === 0) positions.push(i);
    if (doc[i] === '"') quotes += 1;
  }
  return positions;
}

export interface Hostile {
  label: string;
  request: HttpRequest;
}

const post = (label: string, body: string, headers: Record<string, string>): Hostile => ({
  label,
  request: { path: '/graphql', headers, body },
});

export function malformedDocuments(token: string): Record<string, fc.Arbitrary<Hostile>> {
  const asQuery = (label: string) => (query: string) => ({ label, request: graphql(query, {}, token) });
  const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const validBody = JSON.stringify({ query: '{ me { id } }' });
  return {
    'random text as the document': fc.string({ unit: 'binary', maxLength: 300 }).map(asQuery('random text')),
    'truncated document': document
      .chain((doc) => fc.integer({ min: 0, max: doc.length - 1 }).map((n) => doc.slice(0, n)))
      .map(asQuery('truncated')),
    'a bracket removed': document
      .chain((doc) => {
        const brackets = [...doc].flatMap((c, i) => ('{}()[]'.includes(c) ? [i] : []));
        return fc.constantFrom(...brackets).map((i) => doc.slice(0, i) + doc.slice(i + 1));
      })
      .map(asQuery('bracket removed')),
    // outside string literals only: graphql-js lets control characters into a string ("clerk01\v")
    'a forbidden character inserted': fc
      .tuple(document, fc.nat(), forbiddenCharacter)
      .map(([doc, at, code]) => {
        const outside = positionsOutsideStrings(doc);
        const i = outside[at % outside.length];
        return doc.slice(0, i) + String.fromCharCode(code) + doc.slice(i);
      })
      .map(asQuery('forbidden character')),
    'body that is not JSON': fc
      .oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 0, max: validBody.length - 1 }).map((n) => validBody.slice(0, n)),
      )
      .map((body) => post('not JSON', body, json)),
    'JSON of the wrong shape': fc
      .oneof(
        fc.record({ query: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.object({ maxDepth: 1 })) }),
        fc.record({
          query: fc.constant('{ me { id } }'),
          variables: fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer())),
        }),
        fc.record({
          query: fc.constant('{ me { id } }'),
          operationName: fc.oneof(fc.integer(), fc.boolean(), fc.object({ maxDepth: 1 })),
        }),
        fc.constantFrom<unknown>([], {}, [{ query: '{ me { id } }' }], { query: '' }, { query: null }),
      )
      .map((shape) => post('wrong shape', JSON.stringify(shape), json)),
    'wrong content type': fc
      .oneof(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/graphql',
          'application/xml',
          'application/json; charset=iso-8859-1',
          'application/json; charset=gbk',
          'application/json; charset=utf-16',
          '',
        ),
        fc.stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,16}$/).filter((t) => t !== 'application/json'),
      )
      .map((type) =>
        post(`content type ${type}`, validBody, { 'content-type': type, authorization: `Bearer ${token}` }),
      ),
    'variables of the wrong type': wrongVariables(token),
  };
}

const notInt = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.oneof(fc.integer({ min: 2 ** 31, max: 2 ** 52 }), fc.integer({ min: -(2 ** 52), max: -(2 ** 31) - 1 })),
  fc.boolean(),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.string(), { minLength: 1 }),
  fc.object({ maxDepth: 1 }),
);
const notChange = fc.oneof(
  fc.record({ op: fc.string({ maxLength: 8 }).filter((op) => !['INSERT', 'UPDATE', 'DELETE'].includes(op)) }),
  fc.record({
    op: fc.constant('UPDATE'),
    version: fc.oneof(
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    ),
  }),
  fc.record({
    op: fc.constant('DELETE'),
    id: fc.oneof(
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
      fc.object({ maxDepth: 1 }),
    ),
  }),
  fc.record({ values: fc.object({ maxDepth: 1 }) }),
  fc.record({ op: fc.constant('INSERT'), unknownInput: fc.integer() }),
  fc.constant(null),
);

function wrongVariables(token: string): fc.Arbitrary<Hostile> {
  const ask = (label: string, query: string) => (value: unknown) => ({
    label,
    request: graphql(query, { v: value }, token),
  });
  return fc.oneof(
    notInt.map(ask('Int', 'query ($v: Int) { rows(ledger: "daily_followup", first: $v) { totalCount } }')),
    fc.oneof(notString, fc.constant(null)).map(ask('String!', 'query ($v: String!) { ledger(key: $v) { key } }')),
    notString.map(ask('String', 'query ($v: String) { rows(ledger: "daily_followup", period: $v) { totalCount } }')),
    fc
      .oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null))
      .map(ask('Boolean', 'query ($v: Boolean!) { ledgers { key } __typename @include(if: $v) }')),
    fc
      .oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
        fc.boolean(),
        fc.object({ maxDepth: 1 }),
        fc.array(fc.string(), { minLength: 1 }),
      )
      .map(ask('ID', 'query ($v: ID!) { unit(id: $v) { id } }')),
    fc
      .oneof(fc.string(), fc.integer(), fc.array(notChange, { minLength: 1, maxLength: 3 }))
      .map(
        ask(
          '[RowChangeInput!]!',
          'mutation ($v: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $v) { saved } }',
        ),
      ),
    fc
      .oneof(
        fc.string(),
        fc.array(fc.record({ field: fc.integer() }), { minLength: 1 }),
        fc.array(fc.record({ desc: fc.boolean() }), { minLength: 1 }),
      )
      .map(
        ask(
          '[OrderInput!]',
          'query ($v: [OrderInput!]) { rows(ledger: "daily_followup", orderBy: $v) { totalCount } }',
        ),
      ),
  );
}
