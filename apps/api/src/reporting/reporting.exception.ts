import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const ReportingException = {
  notPeriodic: (key: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'LEDGER_NOT_PERIODIC',
      { 'zh-CN': `台账「${key}」不是按期报送的台账`, en: `The ledger "${key}" has no periods` },
      [{ path: 'ledger', message: { 'zh-CN': '不是按期报送的台账', en: 'Not a periodic ledger' } }],
    ),
  alreadySubmitted: (period: string) =>
    new AppException('LOCKED', 'SHEET_SUBMITTED', {
      'zh-CN': `${period} 的报表已提交`,
      en: `The sheet of ${period} is already submitted`,
    }),
  notSubmitted: (period: string) =>
    new AppException('CONFLICT', 'SHEET_NOT_SUBMITTED', {
      'zh-CN': `${period} 的报表尚未提交，无需退回`,
      en: `The sheet of ${period} is not submitted`,
    }),
  empty: (period: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'SHEET_EMPTY',
      { 'zh-CN': `${period} 尚未填报任何数据，不能提交`, en: `Nothing is filled in for ${period} yet` },
      [{ path: 'period', message: { 'zh-CN': '本期尚未填报任何数据', en: 'No rows in this period' } }],
    ),
  rowsInvalid: (problems: { path: string; message: LocalizedText }[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'SHEET_HAS_ERRORS',
      {
        'zh-CN': `报表还有 ${problems.length} 处错误，请改正后再提交`,
        en: `The sheet has ${problems.length} error(s) to fix before submitting`,
      },
      problems,
    ),
  reasonRequired: () =>
    new AppException(
      'BAD_USER_INPUT',
      'REASON_REQUIRED',
      { 'zh-CN': '请填写退回原因', en: 'Give a reason for returning the sheet' },
      [
        {
          path: 'reason',
          message: { 'zh-CN': '退回原因须为 1–500 个字符', en: 'The reason must have 1–500 characters' },
        },
      ],
    ),
};
