import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handTyped, postGraphQL } from '@taizhang/testing';
import { startApi, type RunningApi } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { hashApiToken, newApiToken } from '../src/identity/api-token';
import { startTestApi, type TestApi } from './api-harness';

const CREATE = `mutation ($input: ApiTokenInput!) {
  createApiToken(input: $input) { token apiToken { id name scope unitId ledgers allowedAddresses expiresAt lastUsedAt revoked createdBy } }
}`;
const STATS = `query ($from: String, $to: String) {
  statistics(ledger: "daily_followup", measures: ["cases", "reports"], groupBy: ["unit"], from: $from, to: $to) {
    rows { keys { value label } values { measure value } } totals { measure value }
  }
}`;
const ROWS = `query ($ledger: String!, $unitId: ID) { rows(ledger: $ledger, unitId: $unitId) { totalCount edges { node { unitId values } } } }`;
const SAVE = `mutation ($unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: "daily_followup", unitId: $unitId, changes: $changes) { saved results { status row { id } errors { path message } } }
}`;
const report = (date: string, cases: number, followUps: number) =>
  handTyped({ op: 'INSERT', values: { report_date: date, cases, follow_ups: followUps, dissatisfied: 0 } });

let t: TestApi;
let admin: string;
let unit01: string;
let unit02: string;

async function createToken(input: Record<string, unknown>, token = admin) {
  const response = await t.gql(CREATE, { input }, { token });
  expect(response.errors).toBeUndefined();
  return response.data!.createApiToken as { token: string; apiToken: { id: string; name: string; expiresAt: string } };
}

/** A request's refusal: its HTTP status and the error's code and reason. */
function refusal(response: { status: number; errors?: { message: string; extensions?: Record<string, unknown> }[] }) {
  const error = response.errors?.[0];
  return { status: response.status, code: error?.extensions?.code, reason: error?.extensions?.reason };
}

beforeAll(async () => {
  t = await startTestApi();
  admin = await t.signIn('admin');
  const units = await t.db.query<{ id: number; code: string }>(
    `SELECT id, code FROM units WHERE code IN ('xz01', 'xz02')`,
  );
  unit01 = String(units.find((u) => u.code === 'xz01')!.id);
  unit02 = String(units.find((u) => u.code === 'xz02')!.id);
});
afterAll(() => t?.close());

describe('creating a token', () => {
  it('answers the token once and stores only its SHA-256', async () => {
    const created = await createToken({ name: '市统计平台', scope: 'STATISTICS_READ' });
    expect(created.token).toMatch(/^tz_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken).toMatchObject({
      name: '市统计平台',
      scope: 'STATISTICS_READ',
      revoked: false,
      createdBy: 'admin',
    });
    // a year by default
    const days = (new Date(created.apiToken.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    const [stored] = await t.db.query<Record<string, unknown>>(`SELECT * FROM api_tokens WHERE id = $1`, [
      created.apiToken.id,
    ]);
    expect((stored.token_hash as Buffer).equals(hashApiToken(created.token))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(created.token.slice(3, 20));
    const listed = await t.gql('{ apiTokens { id name } }', {}, { token: admin });
    expect(JSON.stringify(listed.data)).not.toContain(created.token);
    expect(listed.data!.apiTokens.map((x: { name: string }) => x.name)).toContain('市统计平台');
  });

  it("refuses bad settings naming each field and reason, in the caller's language", async () => {
    const response = await t.gql(
      CREATE,
      {
        input: {
          name: ' ',
          scope: 'ROWS_READ',
          unitId: unit01,
          ledgers: ['no_such_ledger'],
          expiresAt: '2020-01-01T00:00:00Z',
          allowedAddresses: ['10.0.0.0/40', 'example.org'],
        },
      },
      { token: admin },
    );
    const error = response.errors![0];
    expect(error.extensions!.code).toBe('BAD_USER_INPUT');
    expect(error.extensions!.errors!.map((e: { path: string }) => e.path).sort()).toEqual([
      'allowedAddresses',
      'allowedAddresses',
      'expiresAt',
      'ledgers',
      'name',
      'unitId',
    ]);
    expect(error.message).toContain('有效期：须是将来的时间');
    const english = await t.gql(
      CREATE,
      { input: { name: 'Gateway', scope: 'UNIT_WRITE' } },
      { token: admin, language: 'en' },
    );
    expect(english.errors![0].extensions!.errors).toEqual([
      { path: 'unitId', message: 'unitId: a UNIT_WRITE token needs a unit' },
    ]);
    const noLedgers = await t.gql(CREATE, { input: { name: 'BI', scope: 'ROWS_READ' } }, { token: admin });
    expect(noLedgers.errors![0].extensions!.errors!.map((e: { path: string }) => e.path)).toEqual(['ledgers']);
  });

  it('is for admins only: clerks and leaders may not create, list or revoke tokens, nor may a token', async () => {
    const stats = await createToken({ name: '只读', scope: 'STATISTICS_READ' });
    const write = await createToken({ name: '写入', scope: 'UNIT_WRITE', unitId: unit01 });
    for (const token of [await t.signIn('clerk01'), await t.signIn('leader'), stats.token, write.token]) {
      for (const document of [
        '{ apiTokens { id } }',
        `mutation { revokeApiToken(id: "${stats.apiToken.id}") }`,
        'mutation { createApiToken(input: { name: "x", scope: STATISTICS_READ }) { token } }',
      ]) {
        expect((await t.gql(document, {}, { token })).errors![0].extensions!.code).toBe('FORBIDDEN');
      }
    }
  });
});

describe('what each scope may do', () => {
  it('STATISTICS_READ reads statistics, boards, units and ledgers, and is refused rows, writes and the rest', async () => {
    const { token } = await createToken({ name: '市统计平台', scope: 'STATISTICS_READ' });
    const stats = await t.gql(STATS, {}, { token });
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.statistics.totals.map((v: { measure: string }) => v.measure)).toEqual(['cases', 'reports']);
    const read = await t.gql(
      '{ units { id } ledgers { key } submissionBoard(ledger: "daily_followup", period: "2026-12-01") { period } }',
      {},
      { token },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.units.length).toBeGreaterThan(2);
    for (const document of [
      '{ rows(ledger: "daily_followup") { totalCount } }',
      '{ me { id } }',
      '{ users { id } }',
      '{ auditLog { at } }',
      'mutation { saveRows(ledger: "daily_followup", unitId: "1", changes: []) { saved } }',
      'mutation { signOut }',
    ]) {
      const response = await t.gql(document, {}, { token });
      expect(response.errors![0].extensions!.code, document).toBe('FORBIDDEN');
    }
    const refused = await t.gql('{ rows(ledger: "daily_followup") { totalCount } }', {}, { token });
    expect(refused.errors![0]).toMatchObject({
      message: '接口令牌的权限范围不包括 rows',
      extensions: { reason: 'TOKEN_SCOPE_REFUSED' },
    });
    const statsFile = await fetch(`${t.url}/export/statistics/daily_followup.csv?measures=cases&groupBy=unit`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(statsFile.status).toBe(200);
    const rowsFile = await fetch(`${t.url}/export/daily_followup.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(rowsFile.status).toBe(403);
  });

  it('ROWS_READ reads the rows of its ledgers only, and writes nothing', async () => {
    await t.gql(SAVE, { unitId: unit01, changes: [report('2026-11-02', 7, 7)] }, { token: admin });
    const { token } = await createToken({ name: 'BI 报表', scope: 'ROWS_READ', ledgers: ['daily_followup'] });
    const rows = await t.gql(ROWS, { ledger: 'daily_followup' }, { token });
    expect(rows.errors).toBeUndefined();
    expect(rows.data!.rows.totalCount).toBeGreaterThan(0);
    const other = await t.gql(ROWS, { ledger: 'window_case' }, { token });
    expect(other.errors![0].extensions!.code).toBe('FORBIDDEN');
    const ledgers = await t.gql('{ ledgers { key } }', {}, { token });
    expect(ledgers.data!.ledgers).toEqual([{ key: 'daily_followup' }]);
    const save = await t.gql(SAVE, { unitId: unit01, changes: [report('2026-11-03', 1, 1)] }, { token });
    expect(save.errors![0].extensions!.code).toBe('FORBIDDEN');
    const file = await fetch(`${t.url}/export/daily_followup.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(file.status).toBe(200);
    const otherFile = await fetch(`${t.url}/export/window_case.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(otherFile.status).toBe(403);
  });

  it('UNIT_WRITE saves rows in its unit only, sees no other unit, and its writes are audited under its name', async () => {
    await t.gql(SAVE, { unitId: unit02, changes: [report('2026-11-04', 3, 3)] }, { token: admin });
    const { token, apiToken } = await createToken({ name: '县短信网关', scope: 'UNIT_WRITE', unitId: unit01 });
    const saved = await t.gql(SAVE, { changes: [report('2026-11-05', 9, 8)] }, { token });
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveRows.saved).toBe(1);
    const rowId = saved.data!.saveRows.results[0].row.id;
    // another unit: refused, by name and without one
    const elsewhere = await t.gql(SAVE, { unitId: unit02, changes: [report('2026-11-06', 1, 1)] }, { token });
    expect(elsewhere.errors![0].extensions!.reason).toBe('OTHER_UNIT');
    // another unit's row by its id: not found in this unit's scope, and left as it was
    const [foreign] = await t.db.query<{ id: string; version: number }>(
      `SELECT id::text, version FROM ledger_daily_followup WHERE unit_id = $1 AND report_date = '2026-11-04'`,
      [unit02],
    );
    const reach = await t.gql(
      SAVE,
      { changes: [handTyped({ op: 'UPDATE', id: foreign.id, version: foreign.version, values: { cases: 99 } })] },
      { token },
    );
    expect(reach.data?.saveRows.saved ?? 0).toBe(0);
    const [after] = await t.db.query<{ cases: string }>(`SELECT cases FROM ledger_daily_followup WHERE id = $1`, [
      foreign.id,
    ]);
    expect(Number(after.cases)).toBe(3);
    const otherRows = await t.gql(ROWS, { ledger: 'daily_followup', unitId: unit02 }, { token });
    expect(otherRows.errors![0].extensions!.code).toBe('FORBIDDEN');
    const own = await t.gql(ROWS, { ledger: 'daily_followup' }, { token });
    expect(new Set(own.data!.rows.edges.map((e: { node: { unitId: string } }) => e.node.unitId))).toEqual(
      new Set([unit01]),
    );
    // the database recorded the token with the change; a session's change has none
    const [history] = await t.db.query<{ api_token_id: string | null }>(
      `SELECT api_token_id::text FROM row_history WHERE ledger_key = 'daily_followup' AND row_id = $1`,
      [rowId],
    );
    expect(history.api_token_id).toBe(apiToken.id);
    const [bySession] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM row_history WHERE api_token_id IS NOT NULL AND unit_id = $1`,
      [unit02],
    );
    expect(bySession.n).toBe(0);
    const audit = await t.gql('{ auditLog(first: 50) { kind rowId apiToken username } }', {}, { token: admin });
    expect(audit.data!.auditLog.find((e: { rowId: string }) => e.rowId === rowId)).toMatchObject({
      kind: 'ROW',
      apiToken: '县短信网关',
      username: 'admin',
    });
    const rowHistory = await t.gql(
      `{ rowHistory(ledger: "daily_followup", id: "${rowId}") { op changedBy apiToken } }`,
      {},
      { token: admin },
    );
    expect(rowHistory.data!.rowHistory).toEqual([{ op: 'insert', changedBy: 'admin', apiToken: '县短信网关' }]);
    // rowHistory is for leaders and admins: a unit's token, like a clerk, is refused it
    expect(
      (await t.gql(`{ rowHistory(ledger: "daily_followup", id: "${rowId}") { op } }`, {}, { token })).errors![0]
        .extensions!.code,
    ).toBe('FORBIDDEN');
    // its submission of the sheet too
    const submitted = await t.gql(
      'mutation { submitSheet(ledger: "daily_followup", period: "2026-11-05") { state } }',
      {},
      { token },
    );
    expect(submitted.errors).toBeUndefined();
    const sheets = await t.gql('{ auditLog(first: 50) { kind action apiToken period } }', {}, { token: admin });
    expect(sheets.data!.auditLog).toContainEqual({
      kind: 'SHEET',
      action: 'submitted',
      apiToken: '县短信网关',
      period: '2026-11-05',
    });
    const listed = await t.gql('{ apiTokens { id lastUsedAt } }', {}, { token: admin });
    expect(listed.data!.apiTokens.find((x: { id: string }) => x.id === apiToken.id).lastUsedAt).not.toBeNull();
  });
});

describe('the file routes', () => {
  /** A CSV of one case posted to /import/window_case with a token. */
  async function importCase(token: string, caseNo: string) {
    const csv = `办件编号,受理时间,办理事项,申请人,办理状态\n${caseNo},2026-11-20 09:30,营业执照办理,李四,受理\n`;
    const form = new FormData();
    form.append('file', new Blob([csv]), 'cases.csv');
    const response = await fetch(`${t.url}/import/window_case?mode=commit`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('UNIT_WRITE imports into its unit; a reading token is refused the import', async () => {
    const writer = await createToken({ name: '导入网关', scope: 'UNIT_WRITE', unitId: unit01 });
    const imported = await importCase(writer.token, 'GJ-API-001');
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ saved: 1, rejected: 0 });
    const [row] = await t.db.query<{ unit_id: number; api_token_id: string }>(
      `SELECT t.unit_id, h.api_token_id::text FROM ledger_window_case t
         JOIN row_history h ON h.ledger_key = 'window_case' AND h.row_id = t.id
        WHERE t.case_no = 'GJ-API-001'`,
    );
    expect(row).toEqual({ unit_id: Number(unit01), api_token_id: writer.apiToken.id });
    const reader = await createToken({ name: '只读导入', scope: 'ROWS_READ', ledgers: ['window_case'] });
    const refused = await importCase(reader.token, 'GJ-API-002');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ errors: [{ extensions: { reason: 'TOKEN_SCOPE_REFUSED' } }] });
  });
});

describe('refusals', () => {
  it('refuses an unknown token without saying whether it exists', async () => {
    const response = await t.gql(STATS, {}, { token: newApiToken() });
    expect(refusal(response)).toEqual({ status: 401, code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    expect(response.errors![0].message).toBe('接口令牌无效');
  });

  it('refuses a revoked token at once, and an expired one', async () => {
    const { token, apiToken } = await createToken({ name: '撤销', scope: 'STATISTICS_READ' });
    expect((await t.gql(STATS, {}, { token })).errors).toBeUndefined();
    expect((await t.gql(`mutation { revokeApiToken(id: "${apiToken.id}") }`, {}, { token: admin })).data).toEqual({
      revokeApiToken: true,
    });
    const revoked = await t.gql(STATS, {}, { token });
    expect(refusal(revoked)).toEqual({ status: 401, code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    expect(revoked.errors![0].message).toBe('令牌已撤销');
    const expiring = await createToken({ name: '过期', scope: 'STATISTICS_READ' });
    await t.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      expiring.apiToken.id,
    ]);
    const expired = await t.gql(STATS, {}, { token: expiring.token });
    expect(refusal(expired)).toMatchObject({ status: 401, reason: 'TOKEN_EXPIRED' });
    expect(expired.errors![0].message).toBe('令牌已过期');
  });

  it('refuses a token from an address it is not allowed from', async () => {
    const far = await createToken({ name: '内网', scope: 'STATISTICS_READ', allowedAddresses: ['10.0.0.0/8'] });
    const response = await t.gql(STATS, {}, { token: far.token, language: 'en' });
    expect(refusal(response)).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'TOKEN_ADDRESS_REFUSED' });
    expect(response.errors![0].message).toBe('This API token may not be used from address 127.0.0.1');
    const near = await createToken({ name: '本机', scope: 'STATISTICS_READ', allowedAddresses: ['127.0.0.1', '::1'] });
    expect((await t.gql(STATS, {}, { token: near.token })).errors).toBeUndefined();
  });

  it('stops working when its creator is deactivated or no longer an admin', async () => {
    const created = await t.gql(
      'mutation { createUser(input: { username: "admin2", displayName: "二号管理员", role: ADMIN, password: "Taizhang@2026" }) { id } }',
      {},
      { token: admin },
    );
    const creator = created.data!.createUser.id;
    const token = newApiToken();
    await t.db.query(
      `INSERT INTO api_tokens (name, scope, token_hash, created_by, expires_at) VALUES ('二号的令牌', 'STATISTICS_READ', $1, $2, now() + interval '1 day')`,
      [hashApiToken(token), creator],
    );
    expect((await t.gql(STATS, {}, { token })).errors).toBeUndefined();
    await t.gql(`mutation { updateUser(id: "${creator}", input: { active: false }) { id } }`, {}, { token: admin });
    expect(refusal(await t.gql(STATS, {}, { token }))).toMatchObject({ status: 401, reason: 'TOKEN_CREATOR_INACTIVE' });
    await t.gql(
      `mutation { updateUser(id: "${creator}", input: { active: true, role: LEADER }) { id } }`,
      {},
      { token: admin },
    );
    expect(refusal(await t.gql(STATS, {}, { token }))).toMatchObject({ status: 401, reason: 'TOKEN_CREATOR_INACTIVE' });
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
        TOKEN_RATE_LIMIT_PER_MINUTE: '3',
      }),
      t.db.url,
    );
  });
  afterAll(() => second?.close());

  it('a revoke in one process refuses the token in the other at once', async () => {
    const { token, apiToken } = await createToken({ name: '两个进程', scope: 'STATISTICS_READ' });
    expect((await postGraphQL(second.url, STATS, {}, { token })).errors).toBeUndefined();
    await t.gql(`mutation { revokeApiToken(id: "${apiToken.id}") }`, {}, { token: admin });
    expect(refusal(await postGraphQL(second.url, STATS, {}, { token }))).toMatchObject({ reason: 'TOKEN_REVOKED' });
  });

  it('limits a token to TOKEN_RATE_LIMIT_PER_MINUTE requests a minute: 429 with Retry-After', async () => {
    const { token } = await createToken({ name: '限流', scope: 'STATISTICS_READ' });
    for (let i = 0; i < 3; i += 1) expect((await postGraphQL(second.url, STATS, {}, { token })).status).toBe(200);
    const limited = await postGraphQL(second.url, STATS, {}, { token });
    expect(refusal(limited)).toEqual({ status: 429, code: 'RATE_LIMITED', reason: 'TOKEN_RATE_LIMITED' });
    const wait = Number(limited.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    // another token is counted on its own
    const other = await createToken({ name: '限流二', scope: 'STATISTICS_READ' });
    expect((await postGraphQL(second.url, STATS, {}, { token: other.token })).status).toBe(200);
  });
});

describe('docs/examples/pull-statistics.mjs', () => {
  it("prints yesterday's figures of every unit as CSV with a STATISTICS_READ token", async () => {
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(Date.now() - 86_400_000),
    );
    await t.gql(SAVE, { unitId: unit01, changes: [report(yesterday, 12, 10)] }, { token: admin });
    await t.gql(SAVE, { unitId: unit02, changes: [report(yesterday, 5, 5)] }, { token: admin });
    const { token } = await createToken({ name: '市统计平台（脚本）', scope: 'STATISTICS_READ' });
    const script = path.resolve(__dirname, '../../../docs/examples/pull-statistics.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      env: { PATH: process.env.PATH, TAIZHANG_URL: t.url, TAIZHANG_TOKEN: token },
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('date,unit_id,unit,报送份数,办件量,回访量,回访率,回访不满意量');
    expect(lines).toContain(`${yesterday},${unit01},城关镇行政审批服务中心,1,12,10,${10 / 12},0`);
    expect(lines.some((l) => l.startsWith(`${yesterday},${unit02},`) && l.includes(',1,5,5,1,0'))).toBe(true);
    expect(lines.at(-1)).toBe(`${yesterday},,合计,2,17,15,${15 / 17},0`);
    // a revoked token: the script says why and exits 1
    const failing = promisify(execFile)(process.execPath, [script], {
      env: { PATH: process.env.PATH, TAIZHANG_URL: t.url, TAIZHANG_TOKEN: newApiToken() },
    });
    await expect(failing).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('TOKEN_INVALID') });
  });
});
