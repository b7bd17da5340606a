import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const ReportingException = {
  badRange: (from: string, to: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_DATE_RANGE',
      {
        'zh-CN': `日期范围「${from} 至 ${to}」无效：应为 YYYY-MM-DD，起日不晚于止日，且不超过 366 天`,
        en: `The dates "${from} to ${to}" are not a range: YYYY-MM-DD, from not after to, at most 366 days`,
      },
      [{ path: 'from', message: { 'zh-CN': '日期范围无效', en: 'Not a date range' } }],
    ),
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
  notSubmittedToWithdraw: (period: string, returned: boolean) =>
    new AppException(
      'CONFLICT',
      'SHEET_NOT_SUBMITTED',
      returned
        ? {
            'zh-CN': `${period} 的报表已被管理员退回，可直接修改后重新提交，无需撤回`,
            en: `The sheet of ${period} was returned by an admin: edit it and submit again`,
          }
        : { 'zh-CN': `${period} 的报表尚未提交，无需撤回`, en: `The sheet of ${period} is not submitted` },
    ),
  withdrawTooLate: (period: string, deadline: string) =>
    new AppException('LOCKED', 'WITHDRAW_CLOSED', {
      'zh-CN': `${period} 的报表已过截止时间（${deadline}），不能撤回；如需修改，请联系管理员退回`,
      en: `The deadline of ${period} (${deadline}) has passed: the sheet cannot be withdrawn; ask an admin to return it`,
    }),
  withdrawLate: (period: string) =>
    new AppException('LOCKED', 'WITHDRAW_CLOSED', {
      'zh-CN': `${period} 的报表是逾期提交的，不能撤回；如需修改，请联系管理员退回`,
      en: `The sheet of ${period} was submitted late and cannot be withdrawn; ask an admin to return it`,
    }),
  futurePeriod: (period: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'FUTURE_PERIOD',
      { 'zh-CN': `${period} 还没到，不能提前提交`, en: `The period ${period} has not begun; it cannot be submitted` },
      [{ path: 'period', message: { 'zh-CN': '不能提交未来的周期', en: 'A future period cannot be submitted' } }],
    ),
  badWarningCount: () =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_INPUT',
      { 'zh-CN': '确认的提醒条数须为 0 或正整数', en: 'The acknowledged warnings must be 0 or more' },
      [
        {
          path: 'acknowledgedWarnings',
          message: { 'zh-CN': '须为 0–100000 的整数', en: 'Must be a whole number from 0 to 100000' },
        },
      ],
    ),
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
