import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

const ME = '{ me { username } }';
const LISTENER = `application_name = 'taizhang-api-sessions' AND datname = current_database()`;

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(() => t?.close());

const meOf = async (token: string) => {
  const answer = await t.gql(ME, {}, { token });
  return answer.data?.me?.username ?? answer.errors?.[0]?.extensions?.reason;
};

/** Revokes a user's sessions in SQL with triggers off: PostgreSQL sends no notice of it. */
const revokeUnnoticed = (username: string) =>
  t.db.query(`BEGIN; SET LOCAL session_replication_role = replica;
    UPDATE sessions SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE username = '${username}');
    COMMIT`);

describe('the session cache', () => {
  it('trusts a session it looked up a moment ago, and forgets it on the notice PostgreSQL sends', async () => {
    const token = await t.signIn('clerk03');
    expect(await meOf(token)).toBe('clerk03');
    // a change nobody is told about is not seen: the session was not looked up again
    await revokeUnnoticed('clerk03');
    expect(await meOf(token)).toBe('clerk03');
    // the notice the triggers send for any revocation; then the revocation is seen
    await t.db.query(`NOTIFY taizhang_auth_changed`);
    await expect.poll(() => meOf(token), { timeout: 2_000, interval: 20 }).toBe('SIGN_IN_REQUIRED');
  });

  it('is told of a session revoked, a user deactivated or a unit deactivated in SQL, as by another process', async () => {
    const changes = [
      [
        'clerk04',
        `UPDATE sessions SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE username = 'clerk04')`,
        'SIGN_IN_REQUIRED',
      ],
      ['clerk05', `UPDATE users SET active = false WHERE username = 'clerk05'`, 'ACCOUNT_INACTIVE'],
      [
        'clerk06',
        `UPDATE units SET active = false WHERE id = (SELECT unit_id FROM users WHERE username = 'clerk06')`,
        'ACCOUNT_INACTIVE',
      ],
    ] as const;
    for (const [username, sql, reason] of changes) {
      const token = await t.signIn(username);
      expect(await meOf(token)).toBe(username);
      await t.db.query(sql);
      await expect.poll(() => meOf(token), { timeout: 2_000, interval: 20 }).toBe(reason);
    }
  });

  it('looks every session up while its listening connection is lost, and listens again', async () => {
    const token = await t.signIn('clerk07');
    expect(await meOf(token)).toBe('clerk07');
    await t.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${LISTENER}`);
    // without notices nothing is trusted: a revocation nobody is told about is seen
    await expect
      .poll(
        async () => {
          await revokeUnnoticed('clerk07');
          return meOf(token);
        },
        { timeout: 2_000, interval: 20 },
      )
      .toBe('SIGN_IN_REQUIRED');
    // and the listener comes back on its own
    await expect
      .poll(async () => (await t.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${LISTENER}`))[0].n, {
        timeout: 5_000,
        interval: 100,
      })
      .toBe(1);
    const again = await t.signIn('clerk07');
    expect(await meOf(again)).toBe('clerk07');
  });
});
