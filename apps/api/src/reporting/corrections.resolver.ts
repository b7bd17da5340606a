import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { CurrentPrincipal, Roles } from '../identity/auth.decorators';
import type { GraphQLContext, Principal } from '../identity/principal';
import { localeOf } from '../common/graphql/request-locale';
import { CorrectionModel, CorrectionStateEnum, type CorrectionState } from './correction.model';
import { CorrectionsService } from './corrections.service';
import { SheetModel } from './sheet.model';

type Counts = Map<number, { pending: number; applied: number }>;

/** The board asks for every sheet's counts: one query per (ledger, period) and request. */
const countsOfRequest = new WeakMap<object, Map<string, Promise<Counts>>>();

@Resolver(() => CorrectionModel)
export class CorrectionsResolver {
  constructor(private readonly service: CorrectionsService) {}

  @Query(() => [CorrectionModel], {
    description:
      'Corrections (更正) of submitted sheets of a ledger, newest first (at most 500): a clerk sees their own unit’s.',
  })
  corrections(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String, nullable: true }) period: string | null,
    @Args('state', { type: () => CorrectionStateEnum, nullable: true }) state: CorrectionState | null,
  ): Promise<CorrectionModel[]> {
    return this.service.list(principal, { ledger, unitId, period, state }, localeOf(context));
  }

  @Roles('clerk')
  @Mutation(() => CorrectionModel, {
    description:
      "申请更正: a clerk asks to change one field of one of their unit's rows in a submitted sheet, with a reason; an admin approves or rejects it.",
  })
  requestCorrection(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID, nullable: true, description: 'The clerk’s own unit (any other is refused).' })
    unitId: string | null,
    @Args('rowId', { type: () => ID }) rowId: string,
    @Args('field', { type: () => String }) field: string,
    @Args('value', { type: () => GraphQLJSON, nullable: true }) value: unknown,
    @Args('reason', { type: () => String }) reason: string,
  ): Promise<CorrectionModel> {
    return this.service.request(principal, { ledger, unitId, rowId, field, value, reason }, localeOf(context));
  }

  @Roles('admin')
  @Mutation(() => CorrectionModel, {
    description:
      '更正: an admin changes one field of one row of a submitted sheet with a reason, at once; the sheet stays submitted.',
  })
  correctRow(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', {
      type: () => ID,
      nullable: true,
      description: 'The row’s unit (found from the row when omitted).',
    })
    unitId: string | null,
    @Args('rowId', { type: () => ID }) rowId: string,
    @Args('field', { type: () => String }) field: string,
    @Args('value', { type: () => GraphQLJSON, nullable: true }) value: unknown,
    @Args('reason', { type: () => String }) reason: string,
  ): Promise<CorrectionModel> {
    return this.service.correct(principal, { ledger, unitId, rowId, field, value, reason }, localeOf(context));
  }

  @Roles('admin')
  @Mutation(() => CorrectionModel, { description: 'Approves a correction request: it is applied to the row.' })
  approveCorrection(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<CorrectionModel> {
    return this.service.approve(principal, id, localeOf(context));
  }

  @Roles('admin')
  @Mutation(() => CorrectionModel, {
    description: 'Rejects a correction request with a reason: the row stays as it is.',
  })
  rejectCorrection(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String }) reason: string,
  ): Promise<CorrectionModel> {
    return this.service.reject(principal, id, reason, localeOf(context));
  }
}

/** A sheet's corrections, counted (the submission board and the sheet). */
@Resolver(() => SheetModel)
export class SheetCorrectionsResolver {
  constructor(private readonly corrections: CorrectionsService) {}

  private counts(context: GraphQLContext, sheet: SheetModel): Promise<Counts> {
    const perRequest = countsOfRequest.get(context.req) ?? new Map<string, Promise<Counts>>();
    countsOfRequest.set(context.req, perRequest);
    const key = `${sheet.ledgerKey}\n${sheet.period}`;
    let counts = perRequest.get(key);
    if (!counts) {
      counts = this.corrections.countsOf(sheet.ledgerKey, sheet.period);
      perRequest.set(key, counts);
    }
    return counts;
  }

  @ResolveField('pendingCorrections', () => Int, {
    description: 'Correction requests (申请更正) of this sheet waiting for an admin.',
  })
  async pendingCorrections(@Parent() sheet: SheetModel, @Context() context: GraphQLContext): Promise<number> {
    return (await this.counts(context, sheet)).get(Number(sheet.unit.id))?.pending ?? 0;
  }

  @ResolveField('appliedCorrections', () => Int, {
    description: 'Corrections (更正) applied to this sheet since it was submitted.',
  })
  async appliedCorrections(@Parent() sheet: SheetModel, @Context() context: GraphQLContext): Promise<number> {
    return (await this.counts(context, sheet)).get(Number(sheet.unit.id))?.applied ?? 0;
  }
}
