import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const UsersException = {
  notFound: (id: string) =>
    new AppException('NOT_FOUND', 'USER_NOT_FOUND', { 'zh-CN': `用户 ${id} 不存在`, en: `User ${id} does not exist` }),
  usernameTaken: (username: string) =>
    new AppException(
      'CONFLICT',
      'USERNAME_TAKEN',
      { 'zh-CN': `用户名 ${username} 已被使用`, en: `The username ${username} is taken` },
      [{ path: 'username', message: { 'zh-CN': '用户名已被使用', en: 'This username is taken' } }],
    ),
  invalid: (problems: { path: string; message: LocalizedText }[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_USER',
      { 'zh-CN': '用户信息有误', en: 'The user data are invalid' },
      problems,
    ),
};
