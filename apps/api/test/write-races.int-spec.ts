import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, signInToken } from '@taizhang/testing';
import { startApi, type RunningApi } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { DEMO_PASSWORD } from '../src/seed/demo-units';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Writes racing what changes under them, on a real PostgreSQL: a submit (no row lands in a
 * submitted sheet after the submit checked it), a publish that retypes a column (no INTERNAL, no
 * write on the old model), and a second API process (it sees a publish within a second).
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($ledger: String!, $period: String, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, period: $period, changes: $changes) { saved rejected results { status errors { message } } } }`;
const SUBMIT = `mutation ($ledger: String!, $period: String!) { submitSheet(ledger: $ledger, period: $period) { state rowCount } }`;
const FIELDS = `query ($key: String!) { ledger(key: $key) { version fields { key type } } }`;

const RACE = {
  key: 'race_probe',
  title: '并发探针',
  period: 'daily',
  periodField: 'day',
  fields: [
    { key: 'day', title: '日期', type: 'date', required: true },
    { key: 'amount', title: '数量', type: 'integer' },
  ],
};

let t: TestApi;
let admin: string;
let clerk: string;
beforeAll(async () => {
  t = await startTestApi();
  [admin, clerk] = await Promise.all([t.signIn('admin'), t.signIn('clerk01')]);
  expect((await t.gql(PUBLISH, { d: RACE }, { token: admin })).errors).toBeUndefined();
});
afterAll(() => t?.close());

const saveOne = (day: string, amount: unknown) =>
  t.gql(SAVE, { ledger: RACE.key, changes: [{ op: 'INSERT', values: { day, amount } }] }, { token: clerk });

describe('saves racing a submit', () => {
  it('never leave a row in a submitted sheet that its submit did not count', async () => {
    for (const day of ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05']) {
      const saves = Array.from({ length: 12 }, (_, i) => saveOne(day, i));
      const submit = t.gql(SUBMIT, { ledger: RACE.key, period: day }, { token: clerk });
      const answers = await Promise.all([...saves, submit]);
      for (const answer of answers) expect(answer.errors?.[0]?.extensions?.code ?? 'none').not.toBe('INTERNAL');
      const submitted = (await submit).data?.submitSheet;
      const [{ n }] = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ledger_race_probe WHERE period = $1 AND deleted_at IS NULL`,
        [day],
      );
      // every save either came before the submit (and was counted) or was refused as locked
      if (submitted) expect(n).toBe(submitted.rowCount);
      const saved = answers.slice(0, 12).filter((a) => a.data?.saveRows?.saved === 1).length;
      expect(saved).toBe(n);
    }
  });
});

describe('saves racing a publish that retypes a column', () => {
  it('answer saved, or refused as retryable — never INTERNAL, never a row on the old model', async () => {
    const retyped = {
      ...RACE,
      fields: [RACE.fields[0], { key: 'amount', title: '数量', type: 'decimal', scale: 1 }],
    };
    const saves = Array.from({ length: 30 }, (_, i) => saveOne('2026-11-20', i + 0.5));
    const publish = t.gql(PUBLISH, { d: retyped }, { token: admin });
    const answers = await Promise.all(saves);
    expect((await publish).errors).toBeUndefined();
    const codes = answers.map(
      (a) => a.errors?.[0]?.extensions?.code ?? (a.data!.saveRows.saved === 1 ? 'SAVED' : 'REJECTED'),
    );
    expect(codes.filter((c) => !['SAVED', 'REJECTED', 'CONFLICT'].includes(c))).toEqual([]);
    const reasons = answers.flatMap((a) => (a.errors ?? []).map((e) => e.extensions?.reason));
    expect(reasons.filter((r) => r !== 'DEFINITION_CHANGED')).toEqual([]);
    // a fraction saved means the new model saved it; the old model (integer) refuses 0.5
    const rows = await t.db.query<{ amount: string; def_version: number }>(
      `SELECT amount::text, def_version FROM ledger_race_probe WHERE period = '2026-11-20'`,
    );
    for (const row of rows) expect(row.def_version).toBe(2);
    expect(rows.length).toBe(codes.filter((c) => c === 'SAVED').length);
    // and after it, a save goes through on the new model at once
    const after = await saveOne('2026-11-21', 2.5);
    expect(after.data!.saveRows.saved).toBe(1);
  });
});

describe('two API processes', () => {
  let second: RunningApi;
  beforeAll(async () => {
    second = await startApi(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        WEB_DIR: '/nonexistent',
        DEMO_ROWS: '0',
        SCHEMAS_DIR: '/nonexistent',
      }),
      t.db.url,
    );
  });
  afterAll(() => second?.close());

  it('the other process serves a publish within a second', async () => {
    const token = await signInToken(second.url, 'admin', DEMO_PASSWORD);
    const before = await postGraphQL<{ ledger: { version: number } }>(second.url, FIELDS, { key: RACE.key }, { token });
    const next = {
      ...RACE,
      title: '并发探针（二）',
      fields: [...RACE.fields.slice(0, 1), { key: 'note', title: '备注', type: 'text' }],
    };
    expect((await t.gql(PUBLISH, { d: next }, { token: admin })).errors).toBeUndefined();
    const started = Date.now();
    let version = before.data!.ledger.version;
    while (version === before.data!.ledger.version && Date.now() - started < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      version = (await postGraphQL<{ ledger: { version: number } }>(second.url, FIELDS, { key: RACE.key }, { token }))
        .data!.ledger.version;
    }
    expect(version).toBe(before.data!.ledger.version + 1);
  });
});
