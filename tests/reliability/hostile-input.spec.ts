import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProduct, type ApiProduct } from '@taizhang/testing';
import {
  graphql,
  judgeData,
  judgeRefusal,
  judgeRejectedRows,
  send,
  type Answer,
  type HttpRequest,
} from './hostile/answers';
import { CHANGING_TABLES, ledgerRowCounts, tableChecksums } from './hostile/db-state';
import { malformedDocuments } from './hostile/documents';
import { fileRequests, type FileRequest } from './hostile/files';
import { injections, type Injection, type Names } from './hostile/injection';
import { heavyRequests, oversizedRequests } from './hostile/oversized';
import { Tally } from './hostile/tally';
import { BASE_ROWS, readSeedLedger, SEED_LEDGERS, writableFields, wrongKinds } from './hostile/wrong-values';
import { checkLiteralStorage } from './hostile/literal-storage';

/**
 * Hostile input (issue #10): a corpus generated with fast-check — malformed documents, oversized
 * and nested requests, wrong values in every field of every seed ledger, SQL and formula
 * injection, hostile files — sent to the built product. Every request must get a clear answer
 * (hostile/answers.ts), the database must be as it was, and the server must still be up.
 * HOSTILE_SEED picks another corpus; RELIABILITY_SCALE multiplies its size.
 */

const SEED = Number(process.env.HOSTILE_SEED ?? 20_261_125);
const SCALE = Number(process.env.RELIABILITY_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved results { status errors { path message } } }
}`;

let product: ApiProduct;
let tokens: Record<string, string>;
let before: Record<string, string>;
let rowsBefore: Record<string, number>;
let names: Names;
const tally = new Tally();
let intended = 0;
let streams = 0;

interface Sent {
  label: string;
  request: HttpRequest;
}

/**
 * Sends `numRuns` requests drawn from `arbitrary` (one seeded stream per call, so a failure
 * reproduces from the printed seed) and judges each answer; a judge throws on an unclear one.
 */
async function corpus<T extends Sent>(
  category: string,
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  judge: (answer: Answer, item: T) => string,
): Promise<void> {
  intended += numRuns;
  const seed = SEED + streams++;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (item) => {
      const answer = await send(product.server.url, item.request);
      tally.record(category, answer.status, judge(answer, item));
    }),
    // no shrinking: each try is a request to a live server; the seed and path reproduce the case
    { seed, numRuns, endOnFailure: true },
  );
  if (details.failed) {
    const example = details.counterexample?.[0] as T | undefined;
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${category}: seed ${seed}, path ${details.counterexamplePath}\n  request: ${example?.label.slice(0, 300)}\n  ${cause}`,
    );
  }
}

const refusal = (answer: Answer) => judgeRefusal(answer);
/** For requests well-formed by construction: a refusal must come from the check they aim at. */
const WELL_FORMED = ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED'];
const checkedRefusal = (answer: Answer) => judgeRefusal(answer, WELL_FORMED);

beforeAll(async () => {
  product = await startApiProduct();
  const users = ['admin', 'clerk01', 'clerk11'];
  tokens = Object.fromEntries(await Promise.all(users.map(async (u) => [u, await product.token(u)] as const)));
  const ledgers = SEED_LEDGERS.map(readSeedLedger);
  const daily = readSeedLedger('daily_followup') as { measures?: { key: string }[]; dimensions?: { key: string }[] };
  names = {
    ledgers: new Set(SEED_LEDGERS),
    fields: new Set(ledgers.flatMap((l) => l.fields.map((f) => f.key))),
    measures: new Set((daily.measures ?? []).map((m) => m.key)),
    dimensions: new Set([...(daily.dimensions ?? []).map((d) => d.key), 'unit', 'unitKind', 'day', 'week', 'month']),
  };
  before = await tableChecksums(product.db);
  rowsBefore = await ledgerRowCounts(product.db);
  console.log(`hostile input: fast-check seed ${SEED} (HOSTILE_SEED to change), scale ${SCALE}`);
});

afterAll(async () => {
  console.log(`hostile input — requests by category and answer:\n${tally.table()}`);
  await product?.stop();
});

describe('hostile input', () => {
  it('answers malformed GraphQL documents, bodies, content types and variables with a clear error', async () => {
    const sizes: Record<string, number> = {
      'random text as the document': 80,
      'truncated document': 60,
      'a bracket removed': 40,
      'a forbidden character inserted': 60,
      'body that is not JSON': 60,
      'JSON of the wrong shape': 40,
      'wrong content type': 40,
      'variables of the wrong type': 80,
    };
    for (const [name, arbitrary] of Object.entries(malformedDocuments(tokens.clerk01))) {
      const judge = name === 'variables of the wrong type' ? checkedRefusal : refusal;
      await corpus(`1 malformed: ${name}`, arbitrary, runs(sizes[name]), judge);
    }
  });

  it('refuses oversized bodies, deep nesting, alias and fragment bombs and huge lists', async () => {
    const sizes: Record<string, number> = {
      'nested past the depth limit': 25,
      'alias bomb': 20,
      'aliases of a costly field': 10,
      'fragment bomb': 15,
      'too wide': 6,
      'directive repeated': 10,
      'many operations, none named': 10,
      'huge string literal': 6,
      'JSON nested deep in a filter': 8,
      'JSON nested deep in a value': 8,
      'in-list past 1000 values': 8,
    };
    for (const [name, arbitrary] of Object.entries(oversizedRequests(tokens.clerk01))) {
      // repeating a directive is refused by graphql-js's own validation: that is its check
      const judge =
        name === 'directive repeated'
          ? refusal
          : (answer: Answer) => judgeRefusal(answer, ['GRAPHQL_VALIDATION_FAILED']);
      await corpus(`2 oversized: ${name}`, arbitrary, runs(sizes[name]), judge);
    }
    // past 50,000 tokens the parser itself refuses (GRAPHQL_PARSE_FAILED): that is the check aimed at
    await corpus('2 oversized: MB-sized requests', fc.constantFrom(...heavyRequests(tokens.clerk01)), 3, (answer) =>
      judgeRefusal(answer, ['GRAPHQL_VALIDATION_FAILED']),
    );
    // thousands of rows, each wrong: every one rejected naming its field, none saved
    const manyWrongRows = fc.integer({ min: 500, max: 3000 }).map((n) => ({
      label: `${n} wrong rows`,
      request: graphql(
        SAVE,
        {
          ledger: 'daily_followup',
          changes: Array.from({ length: n }, (_, i) => ({
            op: 'INSERT',
            values: { ...BASE_ROWS.daily_followup.values, cases: -1 - i },
          })),
        },
        tokens.clerk01,
      ),
    }));
    await corpus('2 oversized: thousands of wrong rows', manyWrongRows, runs(4), (answer) =>
      judgeRejectedRows(answer, () => 'cases'),
    );
  });

  it('rejects wrong values in every field of every seed ledger, naming the field', async () => {
    const wrongRow = (ledger: string, field: string, value: unknown, kind: string) => {
      const change = { op: 'INSERT', values: { ...BASE_ROWS[ledger].values, [field]: value } };
      return {
        label: `${ledger}.${field} ${kind}: ${JSON.stringify(value)?.slice(0, 200)}`,
        ledger,
        field,
        change,
        request: graphql(SAVE, { ledger, changes: [change] }, tokens[BASE_ROWS[ledger].clerk]),
      };
    };
    const cases = SEED_LEDGERS.flatMap((key) =>
      writableFields(readSeedLedger(key)).flatMap((field) => wrongKinds(field).map((kind) => ({ key, field, kind }))),
    );
    const judge = (answer: Answer, item: { field: string }) => judgeRejectedRows(answer, () => item.field);
    // the sweep: each kind's fixed example, once, in every field
    const sweep = cases.map(({ key, field, kind }) => wrongRow(key, field.key, kind.example, kind.kind));
    await corpus('3 wrong types: every field × kind', fc.constantFrom(...sweep), sweep.length, judge);
    // then random values of the same kinds
    const random = fc
      .constantFrom(...cases)
      .chain(({ key, field, kind }) => kind.arbitrary.map((value) => wrongRow(key, field.key, value, kind.kind)));
    await corpus('3 wrong types: random values', random, runs(300), judge);
    // and one batch per ledger with every fixed example at once
    const batches = SEED_LEDGERS.map((ledger) => {
      const rows = sweep.filter((row) => row.ledger === ledger);
      return {
        label: `${ledger}: ${rows.length} wrong rows in one batch`,
        fields: rows.map((r) => r.field),
        request: graphql(SAVE, { ledger, changes: rows.map((r) => r.change) }, tokens[BASE_ROWS[ledger].clerk]),
      };
    });
    await corpus('3 wrong types: one batch per ledger', fc.constantFrom(...batches), batches.length, (answer, item) =>
      judgeRejectedRows(answer, (i) => item.fields[i]),
    );
    expect(sweep.length).toBeGreaterThan(300);
  });

  it('refuses SQL in every name the API takes and treats SQL in a text value as text', async () => {
    const judge = (answer: Answer, item: Injection) => {
      if (item.expect === 'refused') return checkedRefusal(answer);
      if (item.expect === 'rejected') return judgeRejectedRows(answer, () => item.field!);
      const data = judgeData<{ rows: { totalCount: number } }>(answer);
      // nothing is saved before this point: a filter that matched a row would be SQL at work
      expect(data.rows.totalCount, item.label).toBe(0);
      return 'data: no row matches';
    };
    const sizes: Record<string, number> = {
      'sign-in name': 12,
      'text filter value (no match)': 40,
      'filter key': 30,
      'sort field': 25,
      'value key': 25,
      'statistics measure or dimension': 25,
    };
    for (const [name, arbitrary] of Object.entries(injections(names, tokens.clerk01, tokens.admin)))
      await corpus(`4 injection: ${name}`, arbitrary, runs(sizes[name] ?? 20), judge);
  });

  it('answers hostile file exports and imports clearly, and saves nothing from them', async () => {
    const judge = (answer: Answer, item: FileRequest) => {
      if (item.expect === 'refused') return judgeRefusal(answer);
      if (item.expect === 'imported') {
        if (answer.status !== 200) return judgeRefusal(answer);
        const body = answer.json as { saved: number; rows: { status: string }[] };
        expect(body.saved, item.label).toBe(0);
        expect(
          body.rows.every((r) => r.status === 'VALID' || r.status === 'REJECTED'),
          item.label,
        ).toBe(true);
        return 'import answer: nothing saved';
      }
      expect(answer.status, `${item.label}: ${answer.text.slice(0, 300)}`).toBe(200);
      if (answer.contentType.startsWith('text/csv'))
        expect(
          answer.text
            .replace(/^\ufeff/, '')
            .trim()
            .split('\r\n'),
          item.label,
        ).toHaveLength(1);
      else expect(answer.contentType).toContain('spreadsheetml');
      return 'file: header only';
    };
    const sizes: Record<string, number> = {
      'export: hostile ledger, format or parameter': 60,
      'export: attack as a filter value': 20,
      'import: hostile file or parameter': 40,
      'import: attacks in the cells': 20,
    };
    for (const [name, arbitrary] of Object.entries(fileRequests(tokens.clerk01, names.ledgers)))
      await corpus(`5 files: ${name}`, arbitrary, runs(sizes[name]), judge);
  });

  it('leaves every table as it was, saves no rejected row, and stays up', async () => {
    const after = await tableChecksums(product.db);
    console.log(
      `hostile input: ${Object.keys(after).length} tables compared; left out (sign-ins and sessions change them): ${CHANGING_TABLES.join(', ')}`,
    );
    expect(after).toEqual(before);
    // the ledgers' own seed rows (task) were there before; no rejected row joined them
    expect(await ledgerRowCounts(product.db)).toEqual(rowsBefore);
    expect(product.server.process.exitCode).toBeNull();
    // nothing the corpus sent was an unexpected error in the server's own log either
    const errors = product.server
      .output()
      .split('\n')
      .filter((line) => /"level":50|ERROR \[/.test(line));
    expect(errors.map((line) => line.slice(0, 300))).toEqual([]);
    const normal = judgeData<{ me: { username: string }; rows: { totalCount: number } }>(
      await send(
        product.server.url,
        graphql('{ me { username } rows(ledger: "daily_followup") { totalCount } }', {}, tokens.clerk01),
      ),
    );
    expect(normal).toEqual({ me: { username: 'clerk01' }, rows: { totalCount: 0 } });
  });

  it('refuses a `contains` filter holding NUL by name, in GraphQL and in the CSV export', async () => {
    const filter = { applicant: { contains: 'a\u0000' } };
    const query = 'query ($f: JSON) { rows(ledger: "window_case", filter: $f) { totalCount } }';
    judgeRefusal(await send(product.server.url, graphql(query, { f: filter }, tokens.clerk01)));
    const path = `/export/window_case.csv?filter=${encodeURIComponent(JSON.stringify(filter))}`;
    judgeRefusal(
      await send(product.server.url, { path, method: 'GET', headers: { authorization: `Bearer ${tokens.clerk01}` } }),
    );
  });

  it('stores SQL and formula texts literally, and defuses formulas in the CSV export', async () => {
    const saved = await checkLiteralStorage(product, tokens, before, SEED);
    console.log(`hostile input: ${saved} rows of attack text saved, read back equal, exported and re-imported`);
  });

  it('sent every request it meant to', () => {
    expect(tally.sent()).toBeGreaterThanOrEqual(intended);
    expect(tally.sent()).toBeGreaterThanOrEqual(1000);
  });
});
