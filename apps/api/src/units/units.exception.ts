import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const UnitsException = {
  notFound: (id: string) =>
    new AppException('NOT_FOUND', 'UNIT_NOT_FOUND', { 'zh-CN': `单位 ${id} 不存在`, en: `Unit ${id} does not exist` }),
  taken: (path: 'code' | 'name', value: string) =>
    new AppException(
      'CONFLICT',
      path === 'code' ? 'UNIT_CODE_TAKEN' : 'UNIT_NAME_TAKEN',
      { 'zh-CN': `「${value}」已被其他单位使用`, en: `"${value}" is already used by another unit` },
      [{ path, message: { 'zh-CN': '已被其他单位使用', en: 'Already used by another unit' } }],
    ),
  invalid: (problems: { path: string; message: LocalizedText }[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_UNIT',
      { 'zh-CN': '单位信息有误', en: 'The unit data are invalid' },
      problems,
    ),
};
