import type { LocalizedText } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

export const StatisticsException = {
  invalid: (problems: { path: string; message: LocalizedText }[]) =>
    new AppException('BAD_USER_INPUT', 'INVALID_STATISTICS_QUERY', problems[0].message, problems),
};
