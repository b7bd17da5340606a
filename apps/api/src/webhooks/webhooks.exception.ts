import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const WebhooksException = {
  invalid: (problems: { path: string; message: LocalizedText }[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_WEBHOOK',
      {
        'zh-CN': `Webhook 设置有误：${problems.map((p) => p.message['zh-CN']).join('；')}`,
        en: `The webhook is invalid: ${problems.map((p) => p.message.en).join('; ')}`,
      },
      problems,
    ),
  notFound: (id: string) =>
    new AppException('NOT_FOUND', 'WEBHOOK_NOT_FOUND', {
      'zh-CN': `Webhook ${id} 不存在`,
      en: `Webhook ${id} does not exist`,
    }),
  deliveryNotFound: (id: string) =>
    new AppException('NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND', {
      'zh-CN': `投递记录 ${id} 不存在`,
      en: `Delivery ${id} does not exist`,
    }),
};
