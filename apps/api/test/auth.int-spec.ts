import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

const SIGN_IN = `mutation ($u: String!, $p: String!) {
  signIn(username: $u, password: $p) { token expiresAt user { username role unit { name } } }
}`;
const ME = '{ me { username displayName role unit { code name } } }';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(() => t?.close());

describe('sign-in', () => {
  it('signs a clerk in with the demo password and tells their unit', async () => {
    const response = await t.gql(SIGN_IN, { u: 'clerk01', p: 'Taizhang@2026' });
    expect(response.errors).toBeUndefined();
    const session = response.data!.signIn;
    expect(session.user).toEqual({ username: 'clerk01', role: 'CLERK', unit: { name: '城关镇行政审批服务中心' } });
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // the idle limit is 30 minutes
    const minutes = (new Date(session.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30.1);
  });

  it('sets an httpOnly session cookie that works on its own, and the bearer token works too', async () => {
    const response = await t.gql(SIGN_IN, { u: 'clerk02', p: 'Taizhang@2026' });
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^tz_session=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0];
    const byCookie = await t.gql(ME, {}, { cookie });
    expect(byCookie.data!.me).toMatchObject({ username: 'clerk02', unit: { code: 'xz02' } });
    const byToken = await t.gql(ME, {}, { token: response.data!.signIn.token });
    expect(byToken.data!.me.username).toBe('clerk02');
  });

  it('ignores the case of the username', async () => {
    expect((await t.gql(SIGN_IN, { u: ' Clerk03 ', p: 'Taizhang@2026' })).data?.signIn.user.username).toBe('clerk03');
  });

  it('refuses a wrong password in Chinese, or in English when asked, without saying which part was wrong', async () => {
    const zh = await t.gql(SIGN_IN, { u: 'clerk04', p: 'wrong-Password1' });
    expect(zh.data).toBeNull();
    expect(zh.errors![0]).toMatchObject({
      message: '用户名或密码错误',
      extensions: { code: 'UNAUTHENTICATED', reason: 'BAD_CREDENTIALS' },
    });
    const en = await t.gql(SIGN_IN, { u: 'clerk04', p: 'wrong-Password1' }, { language: 'en-US,en;q=0.9' });
    expect(en.errors![0].message).toBe('Wrong username or password');
    const unknown = await t.gql(SIGN_IN, { u: 'nobody', p: 'wrong-Password1' });
    expect(unknown.errors![0].message).toBe(zh.errors![0].message);
  });

  it('never returns or stores a password or a raw token', async () => {
    const response = await t.gql(SIGN_IN, { u: 'clerk05', p: 'Taizhang@2026' });
    const token = response.data!.signIn.token;
    expect(JSON.stringify(response)).not.toContain('Taizhang@2026');
    const [user] = await t.db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE username = 'clerk05'`,
    );
    expect(user.password_hash).toMatch(/^scrypt\$/);
    const sessions = await t.db.query<{ token_hash: Buffer }>(`SELECT token_hash FROM sessions`);
    expect(sessions.some((s) => s.token_hash.toString('utf8').includes(token))).toBe(false);
    const schema = await t.gql('{ __type(name: "User") { fields { name } } }');
    expect(schema.data!.__type.fields.map((f: { name: string }) => f.name)).not.toContain('passwordHash');
  });

  it('writes every sign-in and failure to the audit trail with where it came from', async () => {
    await t.gql(SIGN_IN, { u: 'clerk06', p: 'Taizhang@2026' }, { headers: { 'user-agent': 'audit-test' } });
    await t.gql(SIGN_IN, { u: 'clerk06', p: 'Wrong-pass1' }, { headers: { 'user-agent': 'audit-test' } });
    const events = await t.db.query<{
      event: string;
      success: boolean;
      ip: string;
      user_agent: string;
      reason: string | null;
    }>(`SELECT event, success, ip, user_agent, reason FROM auth_events WHERE username = 'clerk06' ORDER BY id`);
    expect(events).toEqual([
      {
        event: 'sign_in',
        success: true,
        ip: expect.stringContaining('127.0.0.1'),
        user_agent: 'audit-test',
        reason: null,
      },
      {
        event: 'sign_in_failed',
        success: false,
        ip: expect.stringContaining('127.0.0.1'),
        user_agent: 'audit-test',
        reason: 'wrong_password',
      },
    ]);
  });
});

describe('throttling instead of a lock (more in sign-in-throttle.int-spec.ts)', () => {
  it('makes an address wait after 5 wrong passwords at one account, even with the right one, and never locks the account', async () => {
    const reasons: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await t.gql(SIGN_IN, { u: 'clerk07', p: `Wrong-pass${i}` });
      reasons.push(response.errors![0].extensions!.reason!);
    }
    expect(reasons).toEqual([...Array(5).fill('BAD_CREDENTIALS'), 'TOO_MANY_ATTEMPTS']);

    const waiting = await t.gql(SIGN_IN, { u: 'clerk07', p: 'Taizhang@2026' });
    expect(waiting.errors![0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_ATTEMPTS' } });
    expect(waiting.errors![0].message).toMatch(/^尝试次数过多，请 \d+ 秒后再试$/);
    const en = await t.gql(SIGN_IN, { u: 'clerk07', p: 'Taizhang@2026' }, { language: 'en' });
    expect(en.errors![0].message).toMatch(/^Too many attempts: try again in \d+ s$/);
    // the account itself is not locked
    const [user] = await t.db.query<{ locked_until: Date | null }>(
      `SELECT locked_until FROM users WHERE username = 'clerk07'`,
    );
    expect(user.locked_until).toBeNull();

    // the wait over, the right password lets the user in
    await t.db.query(`UPDATE sign_in_throttle SET blocked_until = now() - interval '1 second'`);
    expect((await t.gql(SIGN_IN, { u: 'clerk07', p: 'Taizhang@2026' })).data?.signIn.user.username).toBe('clerk07');
  });

  it('forgets the failures of an address at an account after a successful sign-in', async () => {
    for (let i = 0; i < 4; i += 1) await t.gql(SIGN_IN, { u: 'clerk08', p: 'Wrong-pass1' });
    await t.signIn('clerk08');
    for (let i = 0; i < 4; i += 1) {
      const again = await t.gql(SIGN_IN, { u: 'clerk08', p: 'Wrong-pass1' });
      expect(again.errors![0].extensions!.reason).toBe('BAD_CREDENTIALS');
    }
    await t.signIn('clerk08');
  });
});

describe('sessions', () => {
  it('ends the session on sign-out: the token and the cookie stop working', async () => {
    const response = await t.gql(SIGN_IN, { u: 'clerk09', p: 'Taizhang@2026' });
    const token = response.data!.signIn.token;
    const cookie = response.headers.get('set-cookie')!.split(';')[0];
    const out = await t.gql('mutation { signOut }', {}, { cookie });
    expect(out.data).toEqual({ signOut: true });
    expect(out.headers.get('set-cookie')).toMatch(/tz_session=;/);
    expect((await t.gql(ME, {}, { cookie })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(ME, {}, { token })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('expires a session after 30 idle minutes, and use pushes the expiry forward', async () => {
    const token = await t.signIn('clerk10');
    // as if the last request had been 20 minutes ago
    await t.db.query(
      `UPDATE sessions SET last_seen_at = now() - interval '20 minutes', expires_at = now() + interval '10 minutes'
        WHERE user_id = (SELECT id FROM users WHERE username = 'clerk10')`,
    );
    expect((await t.gql(ME, {}, { token })).data!.me.username).toBe('clerk10');
    const [pushed] = await t.db.query<{ minutes: number }>(
      `SELECT extract(epoch FROM expires_at - now()) / 60 AS minutes FROM sessions
        WHERE user_id = (SELECT id FROM users WHERE username = 'clerk10')`,
    );
    expect(Number(pushed.minutes)).toBeGreaterThan(29);

    // by hand in SQL, as another process would: PostgreSQL's notice reaches the session cache
    // within moments, and from then on the session is expired
    await t.db.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE username = 'clerk10')`,
    );
    await expect
      .poll(async () => (await t.gql(ME, {}, { token })).errors?.[0], { timeout: 2_000, interval: 20 })
      .toMatchObject({ message: '登录已过期，请重新登录', extensions: { reason: 'SESSION_EXPIRED' } });
  });

  it('refuses a made-up token', async () => {
    const response = await t.gql(ME, {}, { token: 'x'.repeat(43) });
    expect(response.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });
});

describe('passwords', () => {
  it('holds a new password to the rules (8 characters of 3 kinds) and names the field', async () => {
    const token = await t.signIn('clerk11');
    const weak = await t.gql(
      'mutation { changePassword(currentPassword: "Taizhang@2026", newPassword: "abcdefgh") }',
      {},
      { token },
    );
    expect(weak.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errors: [{ path: 'newPassword', message: '密码需包含小写字母、大写字母、数字、符号中的至少三种' }],
    });
    const wrongCurrent = await t.gql(
      'mutation { changePassword(currentPassword: "nope", newPassword: "Better#Pass9") }',
      {},
      { token },
    );
    expect(wrongCurrent.errors![0].extensions!.reason).toBe('WRONG_CURRENT_PASSWORD');
  });

  it('changes a password: the new one signs in, the old one does not, other sessions end', async () => {
    const other = await t.signIn('clerk12');
    const token = await t.signIn('clerk12');
    const changed = await t.gql(
      'mutation { changePassword(currentPassword: "Taizhang@2026", newPassword: "Better#Pass9") }',
      {},
      { token },
    );
    expect(changed.data).toEqual({ changePassword: true });
    expect((await t.gql(ME, {}, { token })).data!.me.username).toBe('clerk12');
    expect((await t.gql(ME, {}, { token: other })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(SIGN_IN, { u: 'clerk12', p: 'Taizhang@2026' })).errors![0].extensions!.reason).toBe(
      'BAD_CREDENTIALS',
    );
    await t.signIn('clerk12', 'Better#Pass9');
  });
});

describe('cross-site request forgery', () => {
  const signInCookie = async (username: string) => {
    const response = await t.gql(SIGN_IN, { u: username, p: 'Taizhang@2026' });
    return response.headers.get('set-cookie')!.split(';')[0];
  };
  const host = () => new URL(t.url).host;

  it("refuses a cookie-authenticated mutation sent from another site's page, and it has no effect", async () => {
    const cookie = await signInCookie('clerk13');
    const fromElsewhere: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of fromElsewhere) {
      const refused = await t.gql('mutation { signOut }', {}, { cookie, headers });
      expect(refused.status).toBe(403);
      expect(refused.errors![0]).toMatchObject({
        message: '已拒绝来自其他网站的请求：请在台账通页面内操作',
        extensions: { code: 'FORBIDDEN', reason: 'CROSS_SITE_REQUEST' },
      });
    }
    // the session survived all three
    expect((await t.gql(ME, {}, { cookie })).data!.me.username).toBe('clerk13');
  });

  it('lets the same origin through, and a bearer token from anywhere (a browser never attaches one by itself)', async () => {
    const cookie = await signInCookie('clerk14');
    const sameOrigin = { origin: `http://${host()}`, 'sec-fetch-site': 'same-origin' };
    expect((await t.gql(ME, {}, { cookie, headers: sameOrigin })).data!.me.username).toBe('clerk14');
    const token = await t.signIn('clerk14');
    const fromElsewhere = await t.gql(ME, {}, { token, headers: { origin: 'https://other-system.example' } });
    expect(fromElsewhere.data!.me.username).toBe('clerk14');
  });

  it('refuses a GraphQL request a plain HTML form could send (no JSON, no preflight header)', async () => {
    const cookie = await signInCookie('clerk16');
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie },
      body: JSON.stringify({ query: 'mutation { signOut }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF|跨站/);
    expect((await t.gql(ME, {}, { cookie })).data!.me.username).toBe('clerk16');
  });

  it('refuses a cross-site upload to /import with the cookie', async () => {
    const cookie = await signInCookie('clerk15');
    const form = new FormData();
    form.append('file', new Blob(['办件编号\nX-1\n'], { type: 'text/csv' }), 'cases.csv');
    const response = await fetch(`${t.url}/import/window_case?mode=commit`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
      body: form,
    });
    expect(response.status).toBe(403);
    const answer = (await response.json()) as { errors: { extensions: { reason: string } }[] };
    expect(answer.errors[0].extensions.reason).toBe('CROSS_SITE_REQUEST');
    const [{ count }] = await t.db.query<{ count: string }>(
      "SELECT count(*) FROM row_history WHERE ledger_key = 'window_case'",
    );
    expect(Number(count)).toBe(0);
  });
});
