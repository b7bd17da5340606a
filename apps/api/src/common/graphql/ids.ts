import { AppException } from '../errors/app-exception';

/** GraphQL IDs are strings; our tables use integer ids. A malformed id is the caller's error. */
export function parseId(value: string, path: string): number {
  const id = Number(value);
  if (!/^\d{1,10}$/.test(value) || !Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) {
    throw new AppException(
      'BAD_USER_INPUT',
      'INVALID_ID',
      { 'zh-CN': `无效的编号「${value}」`, en: `Invalid id "${value}"` },
      [{ path, message: { 'zh-CN': '无效的编号', en: 'Invalid id' } }],
    );
  }
  return id;
}

export function parseOptionalId(value: string | null | undefined, path: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return parseId(value, path);
}
