import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const RowsException = {
  badInput: (reason: string, problems: { path: string; message: LocalizedText }[]) =>
    new AppException(
      'BAD_USER_INPUT',
      reason,
      problems[0]?.message ?? { 'zh-CN': '请求参数有误', en: 'Invalid request' },
      problems,
    ),
  /** A save naming a unit that is not there (checked in the write's transaction; units.exception.ts says the same). */
  unitNotFound: (id: number) =>
    new AppException('NOT_FOUND', 'UNIT_NOT_FOUND', { 'zh-CN': `单位 ${id} 不存在`, en: `Unit ${id} does not exist` }),
  unitRequired: () =>
    new AppException(
      'BAD_USER_INPUT',
      'UNIT_REQUIRED',
      { 'zh-CN': '请指定要写入的单位（unitId）', en: 'Name the unit to write to (unitId)' },
      [{ path: 'unitId', message: { 'zh-CN': '管理员写入时必须指定单位', en: 'An admin must name the unit' } }],
    ),
  readOnlyRole: () =>
    new AppException('FORBIDDEN', 'READ_ONLY_ROLE', {
      'zh-CN': '领导账号只能查看，不能修改台账',
      en: 'A leader may read ledgers but not change them',
    }),
  periodRequired: () =>
    new AppException(
      'BAD_USER_INPUT',
      'PERIOD_REQUIRED',
      { 'zh-CN': '请指定填报周期（period）', en: 'Name the period' },
      [{ path: 'period', message: { 'zh-CN': '周期性台账必须指定周期', en: 'A periodic ledger needs a period' } }],
    ),
  badPeriod: (period: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_PERIOD',
      { 'zh-CN': `「${period}」不是本台账的填报周期`, en: `"${period}" is not a period of this ledger` },
      [{ path: 'period', message: { 'zh-CN': '无效的周期', en: 'Invalid period' } }],
    ),
  futurePeriod: (period: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'FUTURE_PERIOD',
      {
        'zh-CN': `${period} 还没到，不能提前填报`,
        en: `The period ${period} has not begun; it cannot be filled in yet`,
      },
      [{ path: 'period', message: { 'zh-CN': '不能填报未来的周期', en: 'A future period cannot be filled in' } }],
    ),
  locked: (period: string) =>
    new AppException('LOCKED', 'SHEET_SUBMITTED', {
      'zh-CN': `${period} 的报表已提交并锁定；如需修改，请联系管理员退回`,
      en: `The sheet of ${period} is submitted and locked; ask an admin to return it`,
    }),
  rowNotFound: (id: string) =>
    new AppException('NOT_FOUND', 'ROW_NOT_FOUND', { 'zh-CN': `行 ${id} 不存在`, en: `Row ${id} does not exist` }),
  tooManyChanges: (max: number) =>
    new AppException(
      'BAD_USER_INPUT',
      'TOO_MANY_CHANGES',
      { 'zh-CN': `一次最多保存 ${max} 行`, en: `At most ${max} rows per save` },
      [{ path: 'changes', message: { 'zh-CN': `一次最多保存 ${max} 行`, en: `At most ${max} rows per save` } }],
    ),
};
