import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '@taizhang/testing';
import { startApi, type RunningApi } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { startTestApi, type TestApi } from './api-harness';
import { connect, disposeClients, settle, until, watch } from './live-harness';

/** Live rows (docs/live.md) over the real graphql-ws protocol, as another system or a grid gets them. */
let t: TestApi;
let second: RunningApi;
const units: Record<string, string> = {};
const tokens: Record<string, string> = {};

const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes) { saved results { status row { id version } errors { message } } }
}`;

const caseValues = (n: number) => ({
  case_no: `LIVE-${n}`,
  accepted_at: '2026-12-01T09:30:00+08:00',
  service_item: '企业开办',
  applicant: '张三',
  status: '受理',
});

async function save(token: string, unitId: string | null, changes: unknown[], url = t.url) {
  const answer = await postGraphQL<{
    saveRows: { saved: number; results: { row: { id: string; version: number } }[] };
  }>(url, SAVE, { ledger: 'window_case', unitId, changes }, { token });
  if (!answer.data) throw new Error(JSON.stringify(answer.errors));
  return answer.data.saveRows;
}

beforeAll(async () => {
  t = await startTestApi();
  // a second API process on the same database: a load balancer's other half
  second = await startApi(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', WEB_DIR: '/nonexistent', DEMO_ROWS: '0', SEED_DEMO: 'false' }),
    t.db.url,
  );
  for (const username of ['admin', 'clerk01', 'clerk02', 'leader']) tokens[username] = await t.signIn(username);
  const rows = await t.db.query<{ code: string; id: number }>(
    `SELECT code, id FROM units WHERE code IN ('xz01', 'xz02')`,
  );
  for (const row of rows) units[row.code] = String(row.id);
});

afterAll(async () => {
  await disposeClients();
  await second?.close();
  await t?.close();
});

describe('rowsChanged', () => {
  it("tells a clerk of their unit's saves, with ids and versions, and another unit's clerk nothing", async () => {
    const own = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'window_case' });
    const other = watch(connect(t.url, { token: tokens.clerk02 }), { ledger: 'window_case' });
    const everyone = watch(connect(t.url, { token: tokens.admin }), { ledger: 'window_case' });
    await settle();
    const saved = await save(tokens.admin, units.xz01, [{ op: 'INSERT', values: caseValues(1) }]);
    const row = saved.results[0].row;
    await until(() => own.events.length > 0 && everyone.events.length > 0);
    expect(own.events).toEqual([
      {
        ledger: 'window_case',
        unitId: units.xz01,
        period: null,
        kind: 'SAVED',
        ids: [row.id],
        versions: [row.version],
        reason: null,
      },
    ]);
    expect(everyone.events.map((e) => e.unitId)).toEqual([units.xz01]);
    // an update and a delete, by the clerk themself
    const updated = await save(tokens.clerk01, null, [
      { op: 'UPDATE', id: row.id, version: row.version, values: { applicant: '李四' } },
    ]);
    const after = updated.results[0].row;
    await save(tokens.clerk01, null, [{ op: 'DELETE', id: row.id, version: after.version }]);
    await until(() => own.events.length === 3);
    expect(own.events.slice(1).map((e) => [e.kind, e.ids, e.versions])).toEqual([
      ['SAVED', [row.id], [after.version]],
      ['DELETED', [row.id], [after.version + 1]],
    ]);
    await settle();
    expect(other.events).toEqual([]);
  });

  it('refuses a clerk naming another unit, and anyone not signed in', async () => {
    const named = watch(connect(t.url, { token: tokens.clerk02 }), { ledger: 'window_case', unitId: units.xz01 });
    expect(await named.ended).toBe('FORBIDDEN');
    const anonymous = watch(connect(t.url), { ledger: 'window_case' });
    expect(await anonymous.ended).toBe('UNAUTHENTICATED');
    const unknown = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'no_such_ledger' });
    expect(await unknown.ended).not.toBe('complete');
  });

  it('refuses a session cookie sent from another site’s page', async () => {
    const client = connect(t.url, {
      headers: { cookie: `tz_session=${tokens.clerk01}`, origin: 'https://evil.example' },
    });
    expect(await watch(client, { ledger: 'window_case' }).ended).toBe('closed 4403');
    // the same cookie from the product's own page is a session like any
    const host = new URL(t.url).host;
    const own = watch(
      connect(t.url, { headers: { cookie: `tz_session=${tokens.clerk01}`, origin: `http://${host}` } }),
      {
        ledger: 'window_case',
      },
    );
    await settle();
    await save(tokens.clerk01, null, [{ op: 'INSERT', values: caseValues(2) }]);
    await until(() => own.events.length === 1);
  });

  it('hears a save made through another API process', async () => {
    const here = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'window_case' });
    await settle();
    await save(tokens.clerk01, null, [{ op: 'INSERT', values: caseValues(3) }], second.url);
    await until(() => here.events.length === 1);
    expect(here.events[0].kind).toBe('SAVED');
  });

  it("sends a 1,000-row batch's every id, in notices PostgreSQL can carry", async () => {
    const here = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'window_case' });
    await settle();
    const changes = Array.from({ length: 1000 }, (_, i) => ({ op: 'INSERT', values: caseValues(1000 + i) }));
    const saved = await save(tokens.clerk01, null, changes);
    await until(() => here.events.flatMap((e) => e.ids).length === 1000);
    expect(new Set(here.events.flatMap((e) => e.ids))).toEqual(new Set(saved.results.map((r) => r.row.id)));
    expect(here.events.length).toBe(4);
  });

  it('ends the subscription when the session is signed out', async () => {
    const token = await t.signIn('clerk01');
    const here = watch(connect(t.url, { token }), { ledger: 'window_case' });
    await settle();
    await t.gql('mutation { signOut }', {}, { token });
    await save(tokens.admin, units.xz01, [{ op: 'INSERT', values: caseValues(4) }]);
    expect(await here.ended).toBe('UNAUTHENTICATED');
    expect(here.events).toEqual([]);
  });

  it("announces a row a follow-up made on its own ledger's channel", async () => {
    const rectifications = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'rectification' });
    const cases = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'window_case' });
    const otherUnit = watch(connect(t.url, { token: tokens.clerk02 }), { ledger: 'rectification' });
    await settle();
    const visited = { visited_at: '2026-12-01T11:00:00+08:00', visit_method: '电话', visit_result: '不太满意' };
    const saved = await postGraphQL<{ saveRows: { results: { warnings: { message: string }[] | null }[] } }>(
      t.url,
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { results { warnings { message } } } }`,
      { changes: [{ op: 'INSERT', values: { ...caseValues(5), ...visited } }] },
      { token: tokens.clerk01 },
    );
    expect(saved.data!.saveRows.results[0].warnings!.map((w) => w.message).join()).toContain('整改');
    await until(() => rectifications.events.length === 1);
    const [event] = rectifications.events;
    expect(event).toMatchObject({ ledger: 'rectification', unitId: units.xz01, kind: 'SAVED', versions: [1] });
    // the row it names is the follow-up's, read as any row
    const read = await postGraphQL<{ rows: { edges: { node: { values: { source: string } } }[] } }>(
      t.url,
      `query ($filter: JSON) { rows(ledger: "rectification", filter: $filter) { edges { node { values } } } }`,
      { filter: { id: { in: event.ids } } },
      { token: tokens.clerk01 },
    );
    expect(read.data!.rows.edges.map((e) => e.node.values.source)).toEqual(['回访']);
    // the case it came from counts it (整改数): its grids hear the case SAVED and REFRESHED
    await until(() => cases.events.some((e) => e.kind === 'REFRESHED'));
    const caseSaved = cases.events.find((e) => e.kind === 'SAVED')!;
    expect(cases.events.find((e) => e.kind === 'REFRESHED')).toMatchObject({ ids: caseSaved.ids, versions: [1] });
    await settle();
    expect(otherUnit.events).toEqual([]);
  });

  it("announces a row whose roll-up another ledger's save moved (REFRESHED), with its version unchanged", async () => {
    const [made] = (await save(tokens.clerk01, null, [{ op: 'INSERT', values: caseValues(6) }])).results;
    const cases = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'window_case' });
    const otherUnit = watch(connect(t.url, { token: tokens.clerk02 }), { ledger: 'window_case' });
    await settle();
    const rectification = {
      case_ref: made.row.id,
      found_on: '2026-12-01',
      source: '回访',
      description: '窗口态度需改进',
      owner: '李四',
      deadline: '2026-12-10',
      status: '待整改',
    };
    const answer = await postGraphQL<{ saveRows: { saved: number } }>(
      t.url,
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "rectification", changes: $changes) { saved } }`,
      { changes: [{ op: 'INSERT', values: rectification }] },
      { token: tokens.clerk01 },
    );
    expect(answer.data?.saveRows.saved).toBe(1);
    await until(() => cases.events.some((e) => e.kind === 'REFRESHED'));
    const refreshed = cases.events.filter((e) => e.kind === 'REFRESHED');
    expect(refreshed).toEqual([
      expect.objectContaining({
        ledger: 'window_case',
        unitId: units.xz01,
        ids: [made.row.id],
        versions: [made.row.version],
      }),
    ]);
    // the row as read now carries the count the rectification moved
    const read = await postGraphQL<{
      rows: { edges: { node: { version: number; values: Record<string, unknown> } }[] };
    }>(
      t.url,
      `query ($filter: JSON) { rows(ledger: "window_case", filter: $filter) { edges { node { version values } } } }`,
      { filter: { id: { in: [made.row.id] } } },
      { token: tokens.clerk01 },
    );
    expect(read.data!.rows.edges[0].node).toMatchObject({
      version: made.row.version,
      values: { rectifications: 1, open_rectifications: 1 },
    });
    await settle();
    expect(otherUnit.events.filter((e) => e.kind === 'REFRESHED')).toEqual([]);
  });

  it("announces a day's report whose derived figure a window case moved (REFRESHED), with its version unchanged", async () => {
    const made = await postGraphQL<{ saveRows: { results: { row: { id: string; version: number } }[] } }>(
      t.url,
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) { results { row { id version } } } }`,
      { changes: [{ op: 'INSERT', values: { report_date: '2026-11-20', follow_ups: 0, dissatisfied: 0 } }] },
      { token: tokens.clerk01 },
    );
    const [report] = made.data!.saveRows.results;
    const reports = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'daily_followup' });
    await settle();
    const completed = {
      ...caseValues(7),
      accepted_at: '2026-11-20T09:00:00+08:00',
      status: '办结',
      completed_at: '2026-11-20T10:00:00+08:00',
    };
    expect((await save(tokens.clerk01, null, [{ op: 'INSERT', values: completed }])).saved).toBe(1);
    await until(() => reports.events.some((e) => e.kind === 'REFRESHED'));
    expect(reports.events.filter((e) => e.kind === 'REFRESHED')).toEqual([
      expect.objectContaining({
        ledger: 'daily_followup',
        unitId: units.xz01,
        ids: [report.row.id],
        versions: [report.row.version],
      }),
    ]);
  });

  it('tells the open sheet it was submitted and returned, with the reason', async () => {
    const period = '2026-12-01';
    const here = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'daily_followup', period });
    const otherDay = watch(connect(t.url, { token: tokens.clerk01 }), {
      ledger: 'daily_followup',
      period: '2026-12-02',
    });
    await settle();
    const values = { report_date: period, cases: 1, follow_ups: 1 };
    const saved = await postGraphQL(
      t.url,
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) { saved } }`,
      { changes: [{ op: 'INSERT', values, reasons: { cases: '手工', follow_ups: '手工' } }] },
      { token: tokens.clerk01 },
    );
    expect(saved.errors).toBeUndefined();
    const submitted = await t.gql(
      `mutation { submitSheet(ledger: "daily_followup", period: "${period}", acknowledgedWarnings: 0) { state } }`,
      {},
      { token: tokens.clerk01 },
    );
    expect(submitted.errors).toBeUndefined();
    const returned = await t.gql(
      `mutation { returnSheet(ledger: "daily_followup", unitId: "${units.xz01}", period: "${period}", reason: "随访数有误，请核对") { state } }`,
      {},
      { token: tokens.admin },
    );
    expect(returned.errors).toBeUndefined();
    await until(() => here.events.length === 3);
    expect(here.events.map((e) => [e.kind, e.period, e.reason])).toEqual([
      ['SAVED', period, null],
      ['SUBMITTED', period, null],
      ['RETURNED', period, '随访数有误，请核对'],
    ]);
    await settle();
    expect(otherDay.events).toEqual([]);
  });
});

const PRESENCE = `subscription ($ledger: String!, $clientId: ID!, $unitId: ID, $period: String) {
  sheetPresence(ledger: $ledger, clientId: $clientId, unitId: $unitId, period: $period) { clientId userId name rowId }
}`;

interface Present {
  clientId: string;
  userId: string;
  name: string;
  rowId: string | null;
}

/** A grid's presence: every list it was sent, the last one first to read. */
function present(client: Client, variables: Record<string, unknown>) {
  const lists: Present[][] = [];
  const stop = client.subscribe<{ sheetPresence: Present[] }>(
    { query: PRESENCE, variables },
    {
      next: (message) => {
        if (message.data) lists.push(message.data.sheetPresence);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { lists, last: () => lists.at(-1) ?? [], stop };
}

describe('a ledger republished', () => {
  it('tells its open grids, every unit, that the definition changed', async () => {
    const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
    const definition = (title: string) => ({
      key: 'live_probe',
      title,
      fillers: { unitKinds: ['township_centre'] },
      fields: [{ key: 'note', title: '备注', type: 'text' }],
    });
    expect((await t.gql(PUBLISH, { d: definition('实时探针') }, { token: tokens.admin })).errors).toBeUndefined();
    const clerk = watch(connect(t.url, { token: tokens.clerk01 }), { ledger: 'live_probe' });
    const admin = watch(connect(t.url, { token: tokens.admin }), { ledger: 'live_probe' });
    await settle();
    expect((await t.gql(PUBLISH, { d: definition('实时探针（二）') }, { token: tokens.admin })).errors).toBeUndefined();
    await until(() => clerk.events.length > 0 && admin.events.length > 0);
    expect(clerk.events[0]).toMatchObject({ kind: 'DEFINITION', unitId: units.xz01, ids: [] });
    expect(admin.events[0]).toMatchObject({ kind: 'DEFINITION', unitId: '0' });
  });
});

describe('sheetPresence', () => {
  it('lists who has the sheet open and which row each is on, and drops one who leaves', async () => {
    const one = crypto.randomUUID();
    const two = crypto.randomUUID();
    const elsewhere = crypto.randomUUID();
    const a = present(connect(t.url, { token: tokens.clerk01 }), { ledger: 'window_case', clientId: one });
    const b = present(connect(second.url, { token: tokens.admin }), {
      ledger: 'window_case',
      clientId: two,
      unitId: units.xz01,
    });
    const other = present(connect(t.url, { token: tokens.clerk02 }), { ledger: 'window_case', clientId: elsewhere });
    // the clerk and the admin on the same sheet (through two API processes) see each other
    await until(() => a.last().length === 2 && b.last().length === 2);
    expect(
      a
        .last()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['城关镇行政审批服务中心填报员', '系统管理员'].sort());
    // the other unit's clerk is alone on their own sheet
    await until(() => other.last().length === 1);
    expect(other.last()[0].clientId).toBe(elsewhere);

    const moved = await t.gql(
      `mutation { movePresence(clientId: "${two}", rowId: "42") }`,
      {},
      { token: tokens.admin },
    );
    expect(moved.data!.movePresence).toBe(true);
    await until(() => a.last().some((p) => p.clientId === two && p.rowId === '42'));
    // nobody moves another's grid
    const foreign = await t.gql(
      `mutation { movePresence(clientId: "${two}", rowId: "7") }`,
      {},
      { token: tokens.clerk01 },
    );
    expect(foreign.data!.movePresence).toBe(false);

    b.stop();
    await until(() => a.last().length === 1, 3_000);
    expect(a.last()[0].clientId).toBe(one);
    expect(other.lists.every((list) => list.every((p) => p.clientId === elsewhere))).toBe(true);
    a.stop();
    other.stop();
  });

  it('refuses a clerk naming another unit’s sheet', async () => {
    const watch = connect(t.url, { token: tokens.clerk02 });
    const ended = await new Promise<string>((resolve) =>
      watch.subscribe(
        { query: PRESENCE, variables: { ledger: 'window_case', clientId: crypto.randomUUID(), unitId: units.xz01 } },
        {
          next: (message) => resolve(String(message.errors?.[0]?.extensions?.code ?? 'data')),
          error: () => resolve('error'),
          complete: () => resolve('complete'),
        },
      ),
    );
    expect(ended).toBe('FORBIDDEN');
  });
});
