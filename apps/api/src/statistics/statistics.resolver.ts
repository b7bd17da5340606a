import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../identity/auth.decorators';
import type { GraphQLContext, Principal } from '../identity/principal';
import { localeOf } from '../common/graphql/request-locale';
import { RankingService } from './ranking.service';
import {
  RankingModel,
  StatCorrectionModel,
  StatOverrideModel,
  StatisticsModel,
  StatRowModel,
  statRowsOf,
  SurveyResultsModel,
} from './statistics.model';
import { StatisticsCorrections } from './statistics-corrections';
import { StatisticsService } from './statistics.service';

@Resolver(() => StatisticsModel)
export class StatisticsResolver {
  constructor(
    private readonly statisticsService: StatisticsService,
    private readonly rankingService: RankingService,
    private readonly statisticsCorrections: StatisticsCorrections,
  ) {}

  @Query(() => SurveyResultsModel, {
    description:
      'Per choice, multiple-choice and yes/no question of a ledger (the survey): answers, and each option’s count and share. Free-text answers: rows with a filter.',
  })
  surveyResults(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('from', { type: () => String, nullable: true }) from: string | null,
    @Args('to', { type: () => String, nullable: true }) to: string | null,
    @Args('unitIds', { type: () => [ID], nullable: true }) unitIds: string[] | null,
  ): Promise<SurveyResultsModel> {
    const locale = localeOf(context);
    return this.statisticsService.distributions(principal, { ledger, from, to, unitIds }, locale);
  }

  @Query(() => RankingModel, {
    description:
      'Units ranked on a measure over from–to (inclusive), with the change against the same number of days before.',
  })
  ranking(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('measure', { type: () => String }) measure: string,
    @Args('from', { type: () => String }) from: string,
    @Args('to', { type: () => String }) to: string,
    @Args('ascending', {
      type: () => Boolean,
      nullable: true,
      defaultValue: false,
      description: 'true: the lowest value ranks first.',
    })
    ascending: boolean,
  ): Promise<RankingModel> {
    const locale = localeOf(context);
    return this.rankingService.rank(principal, { ledger, measure, from, to, ascending }, locale);
  }

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
    const locale = localeOf(context);
    return this.statisticsService.statistics(principal, { ledger, measures, groupBy, from, to, unitIds }, locale);
  }

  @ResolveField('rows', () => [StatRowModel], {
    description:
      'The groups row by row: each with its keys and its values (also column by column: keyColumns, valueColumns).',
  })
  rows(@Parent() statistics: StatisticsModel): StatRowModel[] {
    return statRowsOf(statistics);
  }

  @ResolveField('corrections', () => [StatCorrectionModel], {
    description:
      'Corrections (更正) applied after submission to the rows counted here (the same units and from–to), newest first (at most 500): the figures already include them; each names its unit, day and the measures it changed, so a chart can mark those groups.',
  })
  corrections(
    @Parent() statistics: StatisticsModel,
    @Context() context: GraphQLContext,
  ): Promise<StatCorrectionModel[]> {
    if (!statistics.counted) return Promise.resolve([]);
    return this.statisticsCorrections.applied(statistics.counted, localeOf(context));
  }

  @ResolveField('overrides', () => [StatOverrideModel], {
    description:
      'Derived figures the units set by hand (with a reason) in the rows counted here (the same units and from–to), at most 500: the figures count them as set; each names its unit, period and the measures it goes into.',
  })
  overrides(@Parent() statistics: StatisticsModel, @Context() context: GraphQLContext): Promise<StatOverrideModel[]> {
    if (!statistics.counted) return Promise.resolve([]);
    return this.statisticsCorrections.overridden(statistics.counted, localeOf(context));
  }
}
