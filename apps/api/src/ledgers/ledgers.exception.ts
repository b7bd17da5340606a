import { formatProblem, type DefinitionProblem } from '@taizhang/ledger-core';
import { AppException } from '../common/errors/app-exception';

export const LedgersException = {
  notFound: (key: string) =>
    new AppException('NOT_FOUND', 'LEDGER_NOT_FOUND', {
      'zh-CN': `台账「${shortened(key)}」不存在`,
      en: `The ledger "${shortened(key)}" does not exist`,
    }),
  notAssigned: (key: string) =>
    new AppException('FORBIDDEN', 'LEDGER_NOT_ASSIGNED', {
      'zh-CN': `台账「${key}」未分配给本单位`,
      en: `The ledger "${key}" is not assigned to your unit`,
    }),
  invalidDefinition: (problems: DefinitionProblem[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_LEDGER_DEFINITION',
      {
        'zh-CN': `台账定义有 ${problems.length} 处错误：${problems
          .slice(0, 3)
          .map((p) => formatProblem(p))
          .join('；')}`,
        en: `The ledger definition has ${problems.length} problem(s): ${problems
          .slice(0, 3)
          .map((p) => formatProblem(p, 'en'))
          .join('; ')}`,
      },
      problems,
    ),
};

/** A key as the caller sent it, cut short: an answer does not echo megabytes back. */
function shortened(key: string): string {
  return key.length > 100 ? `${key.slice(0, 100)}…` : key;
}
