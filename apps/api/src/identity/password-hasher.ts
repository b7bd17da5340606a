import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_MAX_LENGTH } from '@taizhang/domain';

/**
 * Passwords are stored as scrypt hashes: `scrypt$N$r$p$salt$hash` (salt and hash in base64).
 * N = 2^15, r = 8 takes about 0.1 s and 32 MiB here: slow for a guesser, fine for a sign-in.
 */
const PARAMS = { N: 32768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const maxmem = 256 * (options.N ?? PARAMS.N) * (options.r ?? PARAMS.r) + 1024 * 1024;
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Longer than any password may be (PASSWORD_MAX_LENGTH characters), judged without copying a huge
 * string: callers refuse such a password with a message before anything is hashed, and the
 * functions below never hash one (scrypt's cost grows with the password's length).
 */
export function passwordTooLong(password: string): boolean {
  return password.length > PASSWORD_MAX_LENGTH * 2 || [...password].length > PASSWORD_MAX_LENGTH;
}

export async function hashPassword(password: string): Promise<string> {
  if (passwordTooLong(password)) throw new Error('refusing to hash a password over the length limit');
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash || passwordTooLong(password)) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of nothing, checked against when the user does not exist, so both cases take as long. */
let dummyHash: Promise<string> | null = null;
export function wasteTimeLikeAVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(12).toString('base64'));
  return dummyHash.then((hash) => verifyPassword(password, hash));
}
