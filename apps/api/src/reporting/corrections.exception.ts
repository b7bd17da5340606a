import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

/** The refusals of a correction of a submitted sheet (更正), each naming the field or the reason. */
export const CorrectionsException = {
  reasonRequired: (path: 'reason' | 'rejectReason') =>
    new AppException(
      'BAD_USER_INPUT',
      'REASON_REQUIRED',
      path === 'reason'
        ? { 'zh-CN': '请填写更正原因', en: 'Give a reason for the correction' }
        : { 'zh-CN': '请填写驳回原因', en: 'Give a reason for rejecting the correction' },
      [
        {
          path: 'reason',
          message: { 'zh-CN': '原因须为 1–500 个字符', en: 'The reason must have 1–500 characters' },
        },
      ],
    ),
  notSubmitted: (period: string, state: string | null) =>
    new AppException(
      'CONFLICT',
      'SHEET_NOT_SUBMITTED',
      state === 'returned'
        ? {
            'zh-CN': `${period} 的报表已被退回，可直接修改后重新提交，无需更正`,
            en: `The sheet of ${period} was returned: edit it directly and submit again; no correction is needed`,
          }
        : {
            'zh-CN': `${period} 的报表尚未提交，可直接修改，无需更正`,
            en: `The sheet of ${period} is not submitted: edit it directly; no correction is needed`,
          },
    ),
  unknownField: (field: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'FIELD_NOT_CORRECTABLE',
      { 'zh-CN': `没有字段「${field}」`, en: `There is no field "${field}"` },
      [{ path: 'field', message: { 'zh-CN': `没有字段「${field}」`, en: `No field "${field}"` } }],
    ),
  notCorrectable: (title: LocalizedText, why: 'computed' | 'period') => {
    const text: LocalizedText =
      why === 'computed'
        ? {
            'zh-CN': `「${title['zh-CN']}」由系统计算，不能更正；请更正它所依据的字段`,
            en: `"${title.en}" is computed and cannot be corrected; correct the fields it is computed from`,
          }
        : {
            'zh-CN': `「${title['zh-CN']}」决定行所在的报表，不能更正；如需修改，请联系管理员退回`,
            en: `"${title.en}" places the row in its sheet and cannot be corrected; ask an admin to return the sheet`,
          };
    return new AppException('BAD_USER_INPUT', 'FIELD_NOT_CORRECTABLE', text, [{ path: 'field', message: text }]);
  },
  unchanged: (title: LocalizedText) => {
    const text: LocalizedText = {
      'zh-CN': `「${title['zh-CN']}」的新值与原值相同，无需更正`,
      en: `The new value of "${title.en}" is the value it has`,
    };
    return new AppException('BAD_USER_INPUT', 'CORRECTION_UNCHANGED', text, [{ path: 'value', message: text }]);
  },
  refused: (title: LocalizedText, problems: { path: string; message: LocalizedText }[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'CORRECTION_REFUSED',
      {
        'zh-CN': `更正「${title['zh-CN']}」未通过校验：${problems.map((p) => p.message['zh-CN']).join('；')}`,
        en: `The correction of "${title.en}" is refused: ${problems.map((p) => p.message.en).join('; ')}`,
      },
      problems,
    ),
  rowChanged: () =>
    new AppException('CONFLICT', 'ROW_CHANGED', {
      'zh-CN': '这一行刚被修改，请刷新后再试',
      en: 'The row was just changed; reload and try again',
    }),
  pending: (title: LocalizedText) =>
    new AppException('CONFLICT', 'CORRECTION_PENDING', {
      'zh-CN': `「${title['zh-CN']}」已有待审核的更正申请，请等待管理员处理`,
      en: `"${title.en}" already has a correction request waiting for an admin`,
    }),
  notFound: (id: string) =>
    new AppException('NOT_FOUND', 'CORRECTION_NOT_FOUND', {
      'zh-CN': `更正申请 ${id} 不存在`,
      en: `The correction request ${id} does not exist`,
    }),
  decided: (id: string, state: string) =>
    new AppException('CONFLICT', 'CORRECTION_DECIDED', {
      'zh-CN': `更正申请 ${id} 已${state === 'APPLIED' ? '批准并更正' : '驳回'}，不能再处理`,
      en: `The correction request ${id} was already ${state === 'APPLIED' ? 'approved and applied' : 'rejected'}`,
    }),
};
