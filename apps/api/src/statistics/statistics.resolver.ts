import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { localeFromAcceptLanguage } from '@taizhang/domain';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { GraphQLContext, Principal } from '../auth/principal';
import { StatisticsModel } from './statistics.model';
import { StatisticsService } from './statistics.service';

@Resolver()
export class StatisticsResolver {
  constructor(private readonly statisticsService: StatisticsService) {}

  @Query(() => StatisticsModel, {
    description:
      'A ledger’s measures grouped by its dimensions (unit, unitKind, day, week, month are always there); from/to are inclusive dates. Clerks get their own unit’s numbers.',
  })
  statistics(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('measures', { type: () => [String] }) measures: string[],
    @Args('groupBy', { type: () => [String] }) groupBy: string[],
    @Args('from', { type: () => String, nullable: true }) from: string | null,
    @Args('to', { type: () => String, nullable: true }) to: string | null,
    @Args('unitIds', { type: () => [ID], nullable: true }) unitIds: string[] | null,
  ): Promise<StatisticsModel> {
    const locale = localeFromAcceptLanguage(context.req.headers['accept-language']);
    return this.statisticsService.statistics(principal, { ledger, measures, groupBy, from, to, unitIds }, locale);
  }
}
