import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const SettingsException = {
  invalidPublicBaseUrl: (problem: LocalizedText) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_SETTING',
      { 'zh-CN': `公网访问地址有误：${problem['zh-CN']}`, en: `Public address: ${problem.en}` },
      [{ path: 'url', message: problem }],
    ),
};
