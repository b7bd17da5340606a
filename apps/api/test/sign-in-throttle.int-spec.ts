import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/seed/demo-units';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Sign-in protection (issue 26, findings 4, 5 and 7), seen from several client addresses: the
 * API listens on 127.0.0.1 and each request below leaves from an address of its own in
 * 127.0.0.0/8 (every one of them is the loopback on Linux), so the server sees distinct clients.
 */

const SIGN_IN = `mutation ($u: String!, $p: String!) { signIn(username: $u, password: $p) { token user { username } } }`;

interface Answer {
  status: number;
  ms: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read untyped GraphQL answers
  data?: any;
  errors?: { message: string; extensions?: { code?: string; reason?: string; errors?: { path: string }[] } }[];
}

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(() => t?.close());

/** A GraphQL request from `from` (an address of 127.0.0.0/8). */
function gqlFrom(
  from: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL(`${t.url}/graphql`);
  const body = JSON.stringify({ query, variables });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString();
          try {
            resolve({ status: response.statusCode ?? 0, ms, ...JSON.parse(text) });
          } catch {
            resolve({ status: response.statusCode ?? 0, ms, errors: [{ message: text }] });
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const signInFrom = (from: string, username: string, password: string) =>
  gqlFrom(from, SIGN_IN, { u: username, p: password });
const reasonOf = (answer: Answer) => answer.errors?.[0]?.extensions?.reason ?? 'OK';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// dozens of passwords hashed per test (one scrypt each, ~300 ms on a quiet core): 45 sign-ins took
// over 30 s with the rest of the suite on two busy cores
describe('no lock anyone can set off', { timeout: 120_000 }, () => {
  it("a stranger's failures never keep the user out, neither where they signed in before nor from a new address", async () => {
    // clerk07 signs in from their usual address: it has proven itself for the account
    expect(reasonOf(await signInFrom('127.0.0.2', 'clerk07', DEMO_PASSWORD))).toBe('OK');

    const attacker: string[] = [];
    for (let i = 0; i < 30; i += 1) attacker.push(reasonOf(await signInFrom('127.0.0.3', 'clerk07', `Wrong-pass${i}`)));
    // five checked, then the attacker's address waits before anything is checked again
    expect(attacker.slice(0, 5)).toEqual(Array(5).fill('BAD_CREDENTIALS'));
    expect(new Set(attacker.slice(5))).toEqual(new Set(['TOO_MANY_ATTEMPTS']));
    // even the right password, from there
    const refused = await signInFrom('127.0.0.3', 'clerk07', DEMO_PASSWORD);
    expect(refused.errors![0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_ATTEMPTS' } });
    expect(refused.errors![0].message).toMatch(/^尝试次数过多，请 \d+ 秒后再试$/);

    // the user is not locked: from their usual address, and from one never seen
    expect((await signInFrom('127.0.0.2', 'clerk07', DEMO_PASSWORD)).data?.signIn.user.username).toBe('clerk07');
    expect((await signInFrom('127.0.0.4', 'clerk07', DEMO_PASSWORD)).data?.signIn.user.username).toBe('clerk07');
    const [events] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM auth_events WHERE username = 'clerk07' AND reason = 'throttled'`,
    );
    expect(events.n).toBe(26);
  });

  it('guesses spread over many addresses slow the account down for new addresses only, and an unknown name answers alike', async () => {
    // clerk08 has signed in from 127.0.1.250 before
    expect(reasonOf(await signInFrom('127.0.1.250', 'clerk08', DEMO_PASSWORD))).toBe('OK');
    const journey = async (username: string, net: number) => {
      const answers: Answer[] = [];
      for (let i = 1; i <= 21; i += 1) answers.push(await signInFrom(`127.0.${net}.${i}`, username, `Wrong-pass${i}`));
      // a fresh address, with the right password (or any, for the unknown name)
      answers.push(await signInFrom(`127.0.${net}.100`, username, DEMO_PASSWORD));
      return answers.map((a) => [a.errors?.[0]?.extensions?.code, reasonOf(a), a.errors?.[0]?.message]);
    };
    const known = await journey('clerk08', 1);
    const unknown = await journey('nobody08', 2);
    expect(known.slice(0, 20).every(([, reason]) => reason === 'BAD_CREDENTIALS')).toBe(true);
    // the 21st and the right password from a new address wait: the account's allowance is spent
    expect(known.slice(20).map(([, reason]) => reason)).toEqual(['TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS']);
    // word for word the same answers (waits included) for a name that does not exist
    expect(unknown).toEqual(known);

    // its user, from where they signed in before, is let in at once
    expect((await signInFrom('127.0.1.250', 'clerk08', DEMO_PASSWORD)).data?.signIn.user.username).toBe('clerk08');
  });

  it('answers an unknown name, a refused attempt and a wrong password in the same time (one scrypt each)', async () => {
    // 127.0.3.1 has spent its allowance on clerk09: its attempts are refused from now on
    for (let i = 0; i < 5; i += 1) await signInFrom('127.0.3.1', 'clerk09', `Wrong-pass${i}`);
    const wrong: number[] = [];
    const unknown: number[] = [];
    const refused: number[] = [];
    for (let i = 1; i <= 10; i += 1) {
      const w = await signInFrom(`127.0.4.${i}`, 'clerk10', `Wrong-pass${i}`);
      const u = await signInFrom(`127.0.5.${i}`, `nobody${i}`, `Wrong-pass${i}`);
      const r = await signInFrom('127.0.3.1', 'clerk09', `Wrong-pass${i}`);
      expect([reasonOf(w), reasonOf(u), reasonOf(r)]).toEqual([
        'BAD_CREDENTIALS',
        'BAD_CREDENTIALS',
        'TOO_MANY_ATTEMPTS',
      ]);
      wrong.push(w.ms);
      unknown.push(u.ms);
      refused.push(r.ms);
    }
    const medians = { wrong: median(wrong), unknown: median(unknown), refused: median(refused) };
    console.log('sign-in answer medians (ms):', medians);
    // before: a locked account answered in 7–11 ms against ~170 ms for a wrong password
    expect(medians.unknown).toBeGreaterThan(medians.wrong * 0.5);
    expect(medians.refused).toBeGreaterThan(medians.wrong * 0.5);
  });
});

describe('changePassword', () => {
  it('counts wrong current passwords like failed sign-ins: after 12, even the right one is refused', async () => {
    const from = '127.0.6.1';
    const signedIn = await signInFrom(from, 'clerk11', DEMO_PASSWORD);
    const token: string = signedIn.data.signIn.token;
    const change = (current: string) =>
      gqlFrom(
        from,
        'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
        { c: current, n: 'Better#Pass9' },
        { authorization: `Bearer ${token}` },
      );
    const reasons: string[] = [];
    for (let i = 0; i < 12; i += 1) reasons.push(reasonOf(await change(`Wrong-pass${i}`)));
    expect(reasons.slice(0, 5)).toEqual(Array(5).fill('WRONG_CURRENT_PASSWORD'));
    expect(new Set(reasons.slice(5))).toEqual(new Set(['TOO_MANY_ATTEMPTS']));
    const right = await change(DEMO_PASSWORD);
    expect(right.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'TOO_MANY_ATTEMPTS' });
    // the password is unchanged, and the guesses count for signing in from there too
    expect(reasonOf(await signInFrom(from, 'clerk11', DEMO_PASSWORD))).toBe('TOO_MANY_ATTEMPTS');
    expect(reasonOf(await signInFrom('127.0.6.2', 'clerk11', DEMO_PASSWORD))).toBe('OK');
  });
});

describe('password length', () => {
  const long = 'Aa1!'.repeat(50); // 200 characters

  it('refuses a password over 128 characters before hashing it, naming the field, in every operation', async () => {
    const zh = await signInFrom('127.0.7.1', 'clerk12', long);
    expect(zh.errors![0]).toMatchObject({
      message: '密码过长：最多 128 个字符',
      extensions: { code: 'BAD_USER_INPUT', reason: 'PASSWORD_TOO_LONG', errors: [{ path: 'password' }] },
    });
    const en = await gqlFrom('127.0.7.1', SIGN_IN, { u: 'clerk12', p: long }, { 'accept-language': 'en' });
    expect(en.errors![0].message).toBe('The password is too long: at most 128 characters');
    // about a megabyte: refused as fast, and never reached the password check (nothing audited)
    const huge = await signInFrom('127.0.7.1', 'clerk12', 'Aa1!'.repeat(250_000));
    expect(reasonOf(huge)).toBe('PASSWORD_TOO_LONG');
    expect(huge.ms).toBeLessThan(2_000);
    const [audited] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM auth_events WHERE username = 'clerk12'`,
    );
    expect(audited.n).toBe(0);

    const token = await t.signIn('clerk13');
    const changeCurrent = await t.gql(
      'mutation ($c: String!) { changePassword(currentPassword: $c, newPassword: "Better#Pass9") }',
      { c: long },
      { token },
    );
    expect(changeCurrent.errors![0].extensions).toMatchObject({
      reason: 'PASSWORD_TOO_LONG',
      errors: [{ path: 'currentPassword' }],
    });
    const changeNew = await t.gql(
      'mutation ($n: String!) { changePassword(currentPassword: "Taizhang@2026", newPassword: $n) }',
      { n: long },
      { token },
    );
    expect(changeNew.errors![0].extensions).toMatchObject({
      errors: [{ path: 'newPassword', message: '密码不能超过 128 个字符' }],
    });

    const admin = await t.signIn('admin');
    const created = await t.gql(
      'mutation ($p: String!) { createUser(input: { username: "longpw", displayName: "长密码", role: LEADER, password: $p }) { id } }',
      { p: long },
      { token: admin },
    );
    expect(created.errors![0].extensions).toMatchObject({
      errors: [{ path: 'password', message: '密码不能超过 128 个字符' }],
    });
    const [user] = await t.db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'clerk14'`);
    const reset = await t.gql(
      'mutation ($u: ID!, $p: String!) { resetPassword(userId: $u, newPassword: $p) }',
      { u: String(user.id), p: long },
      { token: admin },
    );
    expect(reset.errors![0].extensions).toMatchObject({
      errors: [{ path: 'newPassword', message: '密码不能超过 128 个字符' }],
    });
  });
});

describe('a password set by an admin', () => {
  it('must be changed at the next sign-in: until then the session only changes it, reads me and signs out', async () => {
    const admin = await t.signIn('admin');
    const [user] = await t.db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'clerk15'`);
    await t.gql(
      'mutation ($u: ID!) { resetPassword(userId: $u, newPassword: "Reset#2026a") }',
      { u: String(user.id) },
      { token: admin },
    );
    const token = await t.signIn('clerk15', 'Reset#2026a');
    expect((await t.gql('{ me { username mustChangePassword } }', {}, { token })).data!.me).toEqual({
      username: 'clerk15',
      mustChangePassword: true,
    });
    const refused = await t.gql('{ units { code } }', {}, { token });
    expect(refused.errors![0]).toMatchObject({
      message: '请先修改密码',
      extensions: { code: 'FORBIDDEN', reason: 'PASSWORD_CHANGE_REQUIRED' },
    });
    const same = await t.gql(
      'mutation { changePassword(currentPassword: "Reset#2026a", newPassword: "Reset#2026a") }',
      {},
      { token },
    );
    expect(same.errors![0].extensions!.reason).toBe('PASSWORD_UNCHANGED');
    const changed = await t.gql(
      'mutation { changePassword(currentPassword: "Reset#2026a", newPassword: "Mine#2026b") }',
      {},
      { token },
    );
    expect(changed.data).toEqual({ changePassword: true });
    expect((await t.gql('{ units { code } }', {}, { token })).data!.units).toEqual([{ code: expect.any(String) }]);
    expect((await t.gql('{ me { mustChangePassword } }', {}, { token })).data!.me.mustChangePassword).toBe(false);
  });
});
