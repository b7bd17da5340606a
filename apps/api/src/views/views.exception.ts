import type { LocalizedText } from '@taizhang/domain';
import { VIEW_LIMITS } from '@taizhang/ledger-core';
import { AppException } from '../common/errors/app-exception';

/** Saved views of a ledger (docs/views.md): what may go wrong, in zh-CN and English. */
export const ViewsException = {
  invalid: (problems: { path: string; message: LocalizedText }[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_VIEW',
      {
        'zh-CN': `视图有误：${problems.map((p) => p.message['zh-CN']).join('；')}`,
        en: `The view is invalid: ${problems.map((p) => p.message.en).join('; ')}`,
      },
      problems,
    ),
  /** Another user's personal view answers as one that does not exist: nobody learns it is there. */
  notFound: (id: string) =>
    new AppException('NOT_FOUND', 'VIEW_NOT_FOUND', {
      'zh-CN': `视图 ${id} 不存在`,
      en: `View ${id} does not exist`,
    }),
  sharedByAdmins: () =>
    new AppException('FORBIDDEN', 'VIEW_SHARED_BY_ADMINS', {
      'zh-CN': '只有管理员可以发布、修改或删除共享视图',
      en: 'Only an admin may publish, change or delete a shared view',
    }),
  tooMany: (shared: boolean) =>
    new AppException(
      'BAD_USER_INPUT',
      'TOO_MANY_VIEWS',
      shared
        ? {
            'zh-CN': `每个台账至多 ${VIEW_LIMITS.sharedPerLedger} 个共享视图`,
            en: `A ledger has at most ${VIEW_LIMITS.sharedPerLedger} shared views`,
          }
        : {
            'zh-CN': `每人每个台账至多 ${VIEW_LIMITS.personalPerLedger} 个个人视图，请先删除不用的视图`,
            en: `At most ${VIEW_LIMITS.personalPerLedger} personal views per ledger; delete one you no longer use`,
          },
    ),
};
