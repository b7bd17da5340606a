import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';
import { connect, disposeClients, settle, until, watch, type Watch } from './live-harness';
import {
  MAX_CONNECTIONS_PER_SESSION,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  MAX_SUBSCRIPTIONS_PER_SESSION,
} from '../src/live/live-limits';

/**
 * The live socket hardened (docs/live.md, "Limits", "Checked as over HTTP", "API tokens"): raw
 * graphql-ws clients against the built API.
 */
let t: TestApi;
let admin: string;
const units: Record<string, string> = {};

const SAVE = `mutation ($unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: "window_case", unitId: $unitId, changes: $changes) { saved results { row { id version } } }
}`;
let caseNo = 0;
async function saveCase(unitId: string): Promise<string> {
  caseNo += 1;
  const values = {
    case_no: `LIMIT-${caseNo}`,
    accepted_at: '2026-12-01T09:30:00+08:00',
    service_item: '企业开办',
    applicant: '张三',
    status: '受理',
  };
  const answer = await postGraphQL<{ saveRows: { results: { row: { id: string } }[] } }>(
    t.url,
    SAVE,
    { unitId, changes: [{ op: 'INSERT', values }] },
    { token: admin },
  );
  if (!answer.data) throw new Error(JSON.stringify(answer.errors));
  return answer.data.saveRows.results[0].row.id;
}

const EN = { 'accept-language': 'en' };
const opened = (n: number, open: () => Watch) => Array.from({ length: n }, open);

beforeAll(async () => {
  t = await startTestApi();
  admin = await t.signIn('admin');
  const rows = await t.db.query<{ code: string; id: number }>(
    `SELECT code, id FROM units WHERE code IN ('xz01', 'xz02')`,
  );
  for (const row of rows) units[row.code] = String(row.id);
});

afterAll(async () => {
  await disposeClients();
  await t?.close();
});

describe('limits', () => {
  it('refuses the subscription over a connection’s and a session’s limit, in zh-CN and en; the others keep receiving', async () => {
    expect([MAX_SUBSCRIPTIONS_PER_CONNECTION, MAX_SUBSCRIPTIONS_PER_SESSION]).toEqual([10, 30]);
    const token = await t.signIn('clerk01');
    const variables = { ledger: 'window_case' };
    const a = connect(t.url, { token });
    const onA = opened(10, () => watch(a, variables));
    await settle();
    const eleventh = watch(a, variables);
    expect(await eleventh.ended).toBe('RATE_LIMITED');
    expect(eleventh.refusal()).toMatchObject({ reason: 'LIVE_SUBSCRIPTIONS_PER_CONNECTION' });
    expect(eleventh.refusal()!.message).toBe('此连接上的实时订阅已达上限（10 个），请先结束不再使用的订阅');

    const b = connect(t.url, { token, headers: EN });
    const onB = opened(10, () => watch(b, variables));
    await settle();
    const overB = watch(b, variables);
    expect(await overB.ended).toBe('RATE_LIMITED');
    expect(overB.refusal()!.message).toBe(
      'This connection already has the most live subscriptions allowed (10); end one no longer used first',
    );
    const c = connect(t.url, { token });
    const onC = opened(10, () => watch(c, variables));
    await settle();
    // 30 open in the session: a fourth connection's first is refused, in either language
    const overEn = watch(connect(t.url, { token, headers: EN }), variables);
    const overZh = watch(connect(t.url, { token }), variables);
    expect(await overEn.ended).toBe('RATE_LIMITED');
    expect(overEn.refusal()).toMatchObject({ reason: 'LIVE_SUBSCRIPTIONS_PER_SESSION' });
    expect(overEn.refusal()!.message).toContain('This sign-in already has the most live subscriptions allowed (30');
    expect(await overZh.ended).toBe('RATE_LIMITED');
    expect(overZh.refusal()!.message).toContain('此登录的实时订阅已达上限（30 个');
    // another session of the same user is not this one
    const otherSession = watch(connect(t.url, { token: await t.signIn('clerk01') }), variables);

    // the first thirty, and the other session, still receive events
    await settle();
    const id = await saveCase(units.xz01);
    const open = [...onA, ...onB, ...onC, otherSession];
    await until(() => open.every((w) => w.events.some((e) => e.ids.includes(id))));
    for (const refused of [eleventh, overB, overEn, overZh]) expect(refused.events).toEqual([]);

    // one ended frees its place
    onA[0].stop();
    await settle();
    const again = watch(connect(t.url, { token }), variables);
    await settle();
    const next = await saveCase(units.xz01);
    await until(() => again.events.some((e) => e.ids.includes(next)));
  });

  it('closes a session’s connection past its limit (4429), the others keep working', async () => {
    expect(MAX_CONNECTIONS_PER_SESSION).toBe(12);
    const token = await t.signIn('clerk01');
    const open = opened(12, () => watch(connect(t.url, { token }), { ledger: 'window_case' }));
    await settle();
    let closed: { code: number; reason: string } | null = null;
    const over = watch(connect(t.url, { token, onClosed: (code, reason) => (closed = { code, reason }) }), {
      ledger: 'window_case',
    });
    expect(await over.ended).toBe('closed 4429');
    expect(closed!.reason).toContain('LIVE_CONNECTIONS_PER_SESSION');
    const id = await saveCase(units.xz01);
    await until(() => open.every((w) => w.events.some((e) => e.ids.includes(id))));
  });
});

describe('checked as over HTTP', () => {
  const deepSubscription = `subscription { rowsChanged(ledger: "window_case") { a { b { c { d { e { f { g { h { i { j { k } } } } } } } } } } } }`;
  const aliases = `subscription { rowsChanged(ledger: "window_case") { ${Array.from({ length: 31 }, (_, i) => `a${i}: kind`).join(' ')} } }`;
  const deepQuery = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }`;
  const costly = `{ ${Array.from({ length: 25 }, (_, i) => `r${i}: rows(ledger: "window_case", first: 1000) { totalCount }`).join(' ')} }`;
  const costlyByVariables = `query ($n: Int) { ${Array.from({ length: 20 }, (_, i) => `r${i}: rows(ledger: "window_case", first: $n) { totalCount }`).join(' ')} }`;
  const huge = `{ ${'__typename '.repeat(60_000)}}`;

  it('refuses a deep, aliased, costly or huge document with the reasons HTTP gives', async () => {
    const token = await t.signIn('leader');
    const cases: [string, Record<string, unknown>, string][] = [
      [deepSubscription, {}, 'QUERY_TOO_DEEP'],
      [aliases, {}, 'TOO_MANY_ALIASES'],
      [deepQuery, {}, 'QUERY_TOO_DEEP'],
      [costly, {}, 'QUERY_TOO_COMPLEX'],
      [costlyByVariables, { n: 2000 }, 'QUERY_TOO_COMPLEX'],
      [huge, {}, 'GRAPHQL_PARSE_FAILED'],
    ];
    for (const [document, variables, reason] of cases) {
      const overHttp = await postGraphQL(t.url, document, variables, { token });
      const httpReasons = overHttp.errors!.map((e) => e.extensions!.reason);
      expect(httpReasons).toContain(reason);
      const live = watch(connect(t.url, { token }), variables, document);
      expect(await live.ended).toBe('BAD_USER_INPUT');
      expect(live.refusal()!.reasons).toContain(reason);
      expect(new Set(live.refusal()!.reasons)).toEqual(new Set(httpReasons));
    }
    // the message in the caller's language, as over HTTP
    const english = watch(connect(t.url, { token, headers: EN }), {}, aliases);
    await english.ended;
    expect(english.refusal()!.message).toMatch(/^The query uses too many aliases/);
    const chinese = watch(connect(t.url, { token }), {}, aliases);
    await chinese.ended;
    expect(chinese.refusal()!.message).toMatch(/^查询中的别名过多/);
    // the same document within the limits is served
    const fine = watch(connect(t.url, { token }), { n: 10 }, costlyByVariables);
    expect(await fine.ended).toBe('complete');
  });
});

describe('API tokens', () => {
  const CREATE = `mutation ($input: ApiTokenInput!) { createApiToken(input: $input) { token apiToken { id } } }`;
  async function createToken(input: Record<string, unknown>) {
    const answer = await t.gql(CREATE, { input }, { token: admin });
    expect(answer.errors).toBeUndefined();
    return answer.data!.createApiToken as { token: string; apiToken: { id: string } };
  }

  it("receives its scope's events, by connectionParams or the upgrade's header; a revoked token's subscription ends", async () => {
    const reader = await createToken({ name: '实时读取', scope: 'ROWS_READ', ledgers: ['window_case'] });
    const unit = await createToken({ name: '城关镇系统', scope: 'UNIT_WRITE', unitId: units.xz01 });
    const stats = await createToken({ name: '统计', scope: 'STATISTICS_READ' });
    const variables = { ledger: 'window_case' };
    const everyUnit = watch(connect(t.url, { token: reader.token }), variables);
    const byHeader = watch(
      connect(t.url, { headers: { authorization: `Bearer ${unit.token}`, origin: 'https://other.example' } }),
      variables,
    );
    const otherUnit = watch(connect(t.url, { token: unit.token }), { ...variables, unitId: units.xz02 });
    const statistics = watch(connect(t.url, { token: stats.token }), variables);
    expect(await otherUnit.ended).toBe('FORBIDDEN');
    expect(await statistics.ended).toBe('FORBIDDEN');
    expect(statistics.refusal()!.reason).toBe('TOKEN_SCOPE_REFUSED');
    await settle();
    const one = await saveCase(units.xz01);
    const two = await saveCase(units.xz02);
    await until(() => everyUnit.events.length === 2 && byHeader.events.length === 1);
    expect(everyUnit.events.map((e) => [e.unitId, e.ids])).toEqual([
      [units.xz01, [one]],
      [units.xz02, [two]],
    ]);
    expect(byHeader.events.map((e) => [e.unitId, e.ids])).toEqual([[units.xz01, [one]]]);

    // what the event names, the token reads over HTTP as any read
    const read = await postGraphQL<{ rows: { totalCount: number } }>(
      t.url,
      `query ($filter: JSON) { rows(ledger: "window_case", filter: $filter) { totalCount } }`,
      { filter: { id: { in: [one] } } },
      { token: reader.token },
    );
    expect(read.data?.rows.totalCount).toBe(1);

    expect(
      (await t.gql(`mutation { revokeApiToken(id: "${reader.apiToken.id}") }`, {}, { token: admin })).errors,
    ).toBeUndefined();
    await saveCase(units.xz01);
    expect(await everyUnit.ended).toBe('UNAUTHENTICATED');
    expect(everyUnit.refusal()!.reason).toBe('TOKEN_REVOKED');
    expect(everyUnit.events).toHaveLength(2);
    // the unit's token, not revoked, keeps receiving
    await until(() => byHeader.events.length === 2);
    const anew = watch(connect(t.url, { token: reader.token }), variables);
    expect(await anew.ended).toBe('UNAUTHENTICATED');
  });
});
