import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { strictDate } from '@taizhang/ledger-core';
import { Roles } from '../identity/auth.decorators';
import { AppException } from '../common/errors/app-exception';
import { parseId } from '../common/graphql/ids';
import { AuditEntryModel } from './audit-log.model';
import { AuditLogService } from './audit-log.service';

@Resolver()
export class AuditLogResolver {
  constructor(private readonly log: AuditLogService) {}

  @Roles('admin')
  @Query(() => [AuditEntryModel], {
    description: 'Admins: the audit log, newest first — by user, unit, ledger and days; page with `before`.',
  })
  auditLog(
    @Args('userId', { type: () => ID, nullable: true }) userId?: string | null,
    @Args('unitId', { type: () => ID, nullable: true }) unitId?: string | null,
    @Args('ledger', { type: () => String, nullable: true }) ledger?: string | null,
    @Args('from', { type: () => String, nullable: true }) from?: string | null,
    @Args('to', { type: () => String, nullable: true }) to?: string | null,
    @Args('before', { type: () => Date, nullable: true }) before?: Date | null,
    @Args('first', { type: () => Int, defaultValue: 100 }) first = 100,
  ): Promise<AuditEntryModel[]> {
    const problems = (['from', 'to'] as const)
      .filter((name) => ({ from, to })[name] && !strictDate({ from, to }[name]!))
      .map((name) => ({ path: name, message: { 'zh-CN': '日期应为 YYYY-MM-DD', en: 'A date is YYYY-MM-DD' } }));
    if (problems.length > 0)
      throw new AppException('BAD_USER_INPUT', 'INVALID_AUDIT_QUERY', problems[0].message, problems);
    return this.log.search({
      userId: userId ? parseId(userId, 'userId') : null,
      unitId: unitId ? parseId(unitId, 'unitId') : null,
      ledger,
      from,
      to,
      before,
      first,
    });
  }
}
