import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { SheetStateName } from '@taizhang/domain';
import { UnitModel } from '../units/unit.model';
import { UserModel } from '../users/user.model';

export const SheetStateEnum = {
  NOT_STARTED: 'NOT_STARTED',
  DRAFT: 'DRAFT',
  SUBMITTED: 'SUBMITTED',
  SUBMITTED_LATE: 'SUBMITTED_LATE',
  RETURNED: 'RETURNED',
} as const satisfies { [S in SheetStateName]: S };
export type SheetState = keyof typeof SheetStateEnum;
registerEnumType(SheetStateEnum, { name: 'SheetState' });

@ObjectType('TrackedCount', {
  description: 'Rows of a tracked ledger (rectifications, tasks) still open, and overdue.',
})
export class TrackedCountModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => String) title: string;
  @Field(() => Int) open: number;
  @Field(() => Int) overdue: number;
}

@ObjectType('SheetFigure', {
  description:
    'A derived figure of a sheet (a measure of another ledger): as the sheet holds it, and as the source says now.',
})
export class FigureModel {
  @Field(() => String) field: string;
  @Field(() => String) title: string;
  @Field(() => Float, { nullable: true, description: "The sheet's figure (summed over its rows); null: no row yet." })
  value: number | null;
  @Field(() => Float, { description: 'What the source ledger says now.' }) live: number;
  @Field(() => Float, {
    nullable: true,
    description: 'For a submitted sheet: live − value where they differ (null: none, or overridden).',
  })
  difference: number | null;
  @Field(() => Boolean, { description: 'Set by the unit with a reason instead of derived.' }) overridden: boolean;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => String, { description: 'The ledger it is derived from.' }) sourceLedger: string;
}

@ObjectType('FigureSourceRow', { description: 'A source row behind a figure: its ledger, id and display text.' })
export class FigureSourceRowModel {
  @Field(() => String) ledger: string;
  @Field(() => String) id: string;
  @Field(() => String, { nullable: true }) label: string | null;
}

@ObjectType('FigureDifference', {
  description: "Reconciliation: a submitted sheet's figure that differs from what its source ledger says now.",
})
export class FigureDifferenceModel {
  @Field(() => UnitModel) unit: UnitModel;
  @Field(() => String) period: string;
  @Field(() => Date) submittedAt: Date;
  @Field(() => FigureModel) figure: FigureModel;
  @Field(() => [FigureSourceRowModel], {
    description: 'The source rows of the unit and period changed or deleted since the submission, newest first.',
  })
  changedRows: FigureSourceRowModel[];
}

@ObjectType('BoardClerk', { description: "A unit's active clerk as the board shows them: whom to call." })
export class BoardClerkModel {
  @Field(() => String) name: string;
  @Field(() => String, { nullable: true }) phone: string | null;
}

@ObjectType('SheetReminder', { description: 'The last 催报 of a sheet: when and by whom.' })
export class SheetReminderModel {
  @Field(() => Date) at: Date;
  @Field(() => String, { nullable: true, description: 'Who reminded (display name).' }) by: string | null;
}

@ObjectType('Sheet', { description: 'One unit’s sheet of a periodic ledger for one period.' })
export class SheetModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => UnitModel) unit: UnitModel;
  @Field(() => String) period: string;
  @Field(() => SheetStateEnum) state: SheetState;
  @Field(() => Date, { nullable: true }) submittedAt: Date | null;
  @Field(() => String, { nullable: true }) returnedReason: string | null;
  @Field(() => Date, {
    nullable: true,
    description: 'When the sheet is due (the ledger’s deadline on the period’s last day).',
  })
  deadline: Date | null;
  @Field(() => Int, { description: 'The rows of the sheet: as submitted, for a submitted sheet; else as they are.' })
  rowCount: number;
  @Field(() => Date, { nullable: true, description: 'When the unit was last reminded (催报) of this sheet.' })
  remindedAt: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: "When a clerk of the unit first read a reminder's notice (催报已读) of this sheet.",
  })
  reminderReadAt: Date | null;
  @Field(() => [TrackedCountModel], {
    description: "The unit's open and overdue rows of tracked ledgers (rectifications…).",
  })
  tracked: TrackedCountModel[];
  @Field(() => Boolean, {
    description: '逾期未报: the deadline has passed and the sheet is not submitted (not started, draft or returned).',
  })
  overdue: boolean;
  @Field(() => Boolean, { description: 'The period has not begun: its sheet cannot be filled in yet.' })
  future: boolean;
  @Field(() => Boolean, {
    description:
      'Whether the unit may withdraw (撤回) its submission now: submitted on time, before the deadline, not returned since.',
  })
  canWithdraw: boolean;
  @Field(() => Int, { description: 'How often the unit has withdrawn a submission of this sheet.' })
  withdrawnCount: number;
  @Field(() => Date, { nullable: true, description: 'When the unit last withdrew a submission of this sheet.' })
  withdrawnAt: Date | null;
  @Field(() => Int, {
    nullable: true,
    description: 'The reminders (提醒) the rows still had when the sheet was submitted (null: not submitted).',
  })
  submittedWarnings: number | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'For a sheet with derived fields: { fieldKey: the value the source ledger gives now }; null: none.',
  })
  derived?: Record<string, number> | null;
  @Field(() => [FigureModel], {
    description: 'Its derived figures: held and live, overridden or differing (reconciliation); [] for none.',
  })
  figures?: FigureModel[];
  @Field(() => [BoardClerkModel], {
    nullable: true,
    description:
      "On the board, for admins and leaders: the unit's active clerks with their phones, to call. Null for clerks (no other unit's phones).",
  })
  clerks?: BoardClerkModel[] | null;
  @Field(() => SheetReminderModel, {
    nullable: true,
    description: 'The last 催报 of this sheet: when and by whom (null: never reminded).',
  })
  lastReminder?: SheetReminderModel | null;
}

@ObjectType('RemindedUnit')
export class RemindedUnitModel {
  @Field(() => UnitModel) unit: UnitModel;
  @Field(() => SheetStateEnum) state: SheetState;
  @Field(() => [UserModel], { description: 'The unit’s active clerks, to call or message.' }) clerks: UserModel[];
}

@ObjectType('Reminder', { description: '催报: the units that have not submitted a period, reminded now.' })
export class ReminderModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => String) period: string;
  @Field(() => Date) remindedAt: Date;
  @Field(() => [RemindedUnitModel]) units: RemindedUnitModel[];
  @Field(() => Int, {
    description:
      'How many webhooks the reminder.issued event goes to (an SMS or WeChat-work gateway; docs/integration.md, Webhooks).',
  })
  webhooks: number;
}

@ObjectType('BoardCounts')
export class BoardCountsModel {
  @Field(() => Int, { description: 'Sheets with a derived figure overridden by the unit (with a reason).' })
  overridden?: number;
  @Field(() => Int, {
    description: 'Submitted sheets with a figure that differs from what its source ledger says now.',
  })
  differing?: number;
  @Field(() => Int) notStarted: number;
  @Field(() => Int) draft: number;
  @Field(() => Int) submitted: number;
  @Field(() => Int) submittedLate: number;
  @Field(() => Int) returned: number;
  @Field(() => Int, { description: '逾期未报: units past the deadline without a submission (among the three above).' })
  overdue: number;
  @Field(() => Int, { description: 'Units that have withdrawn (撤回) a submission of this period at least once.' })
  withdrawn: number;
}

@ObjectType('SubmissionBoard')
export class SubmissionBoardModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => String) period: string;
  @Field(() => [SheetModel]) sheets: SheetModel[];
  @Field(() => BoardCountsModel) counts: BoardCountsModel;
  @Field(() => [TrackedCountModel], { description: 'The tracked ledgers’ open and overdue rows over the units shown.' })
  tracked: TrackedCountModel[];
}
