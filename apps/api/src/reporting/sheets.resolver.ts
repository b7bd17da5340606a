import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { localeOf } from '../common/graphql/request-locale';
import { CurrentPrincipal, Roles } from '../identity/auth.decorators';
import type { GraphQLContext, Principal } from '../identity/principal';
import { FigureDifferenceModel, ReminderModel, SheetModel, SubmissionBoardModel } from './sheet.model';
import { SheetsService } from './sheets.service';

@Resolver(() => SheetModel)
export class SheetsResolver {
  constructor(private readonly sheets: SheetsService) {}

  @Query(() => SubmissionBoardModel, {
    description: 'Who submitted a period on time, late, or not at all. Clerks see their own unit.',
  })
  submissionBoard(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('period', { type: () => String }) period: string,
  ): Promise<SubmissionBoardModel> {
    return this.sheets.board(principal, ledger, period);
  }

  @Query(() => SheetModel, {
    description: "One unit's sheet of a period (a clerk's own unit unless another is named by those who may see it).",
  })
  sheet(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String }) period: string,
  ): Promise<SheetModel> {
    return this.sheets.sheet(principal, ledger, unitId, period);
  }

  @Query(() => [FigureDifferenceModel], {
    description:
      "Reconciliation: submitted sheets' derived figures that differ from what their source ledgers say now, days from–to (at most 366), with the source rows changed since. Clerks see their own unit.",
  })
  reconciliation(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('from', { type: () => String }) from: string,
    @Args('to', { type: () => String }) to: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
  ): Promise<FigureDifferenceModel[]> {
    return this.sheets.reconciliation(principal, ledger, from, to, unitId, localeOf(context));
  }

  @Roles('clerk')
  @Mutation(() => SheetModel, { description: "Submits (提交) the unit's sheet of a period; it is then locked." })
  submitSheet(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('period', { type: () => String }) period: string,
    @Args('acknowledgedWarnings', {
      type: () => Int,
      nullable: true,
      description: 'The reminders (提醒) the submitter was shown and confirmed; recorded with the submission.',
    })
    acknowledgedWarnings: number | null,
  ): Promise<SheetModel> {
    return this.sheets.submit(principal, ledger, period, acknowledgedWarnings ?? null);
  }

  @Roles('clerk')
  @Mutation(() => SheetModel, {
    description:
      "Withdraws (撤回) the unit's submission of a period: the sheet is a draft again. Open until the deadline for a submission made on time.",
  })
  withdrawSheet(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('period', { type: () => String }) period: string,
  ): Promise<SheetModel> {
    return this.sheets.withdraw(principal, ledger, period);
  }

  @Roles('leader', 'admin')
  @Mutation(() => ReminderModel, {
    description:
      '催报: lists the units that have not submitted the period with their clerks, and records that they were reminded.',
  })
  remindMissing(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('period', { type: () => String }) period: string,
    @Args('unitIds', {
      type: () => [ID],
      nullable: true,
      description: 'Only these units (those of them that have not submitted); all missing units when omitted.',
    })
    unitIds: string[] | null,
  ): Promise<ReminderModel> {
    return this.sheets.remind(principal, ledger, period, unitIds ?? null);
  }

  @Roles('admin')
  @Mutation(() => SheetModel, { description: 'Returns (退回) a submitted sheet with a reason, unlocking it.' })
  returnSheet(
    @CurrentPrincipal() principal: Principal,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID }) unitId: string,
    @Args('period', { type: () => String }) period: string,
    @Args('reason', { type: () => String }) reason: string,
  ): Promise<SheetModel> {
    return this.sheets.return(principal, ledger, unitId, period, reason);
  }
}
