import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const ApiTokensException = {
  invalid: (problems: { path: string; message: LocalizedText }[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_API_TOKEN',
      {
        'zh-CN': `令牌设置有 ${problems.length} 处需要修改：${problems.map((p) => p.message['zh-CN']).join('；')}`,
        en: `The token settings need ${problems.length} change(s): ${problems.map((p) => p.message.en).join('; ')}`,
      },
      problems,
    ),
  notFound: (id: string) =>
    new AppException('NOT_FOUND', 'API_TOKEN_NOT_FOUND', {
      'zh-CN': `令牌 ${id} 不存在`,
      en: `API token ${id} does not exist`,
    }),
};
