import type { LocalizedText } from '@taizhang/domain';
import { AppException, type FieldProblemText } from '../common/errors/app-exception';

export const PublicAnswersException = {
  /** Not a public ledger, no such unit, or the unit does not take this survey: all alike to the public. */
  noSuchSurvey: () =>
    new AppException('NOT_FOUND', 'PUBLIC_SURVEY_NOT_FOUND', {
      'zh-CN': '没有找到这份问卷，请核对二维码或链接',
      en: 'No such survey; check the QR code or the link',
    }),
  invalidAnswer: (problems: FieldProblemText[]) =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_PUBLIC_ANSWER',
      { 'zh-CN': `问卷有 ${problems.length} 处需要修改`, en: `${problems.length} answers need attention` },
      problems,
    ),
  tooMany: (retryAfterSeconds: number): AppException =>
    new AppException('RATE_LIMITED', 'TOO_MANY_PUBLIC_ANSWERS', {
      'zh-CN': `提交过于频繁，请 ${retryAfterSeconds} 秒后再试`,
      en: `Too many answers from this address; try again in ${retryAfterSeconds} s`,
    } satisfies LocalizedText),
};
