import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { Locale } from '@taizhang/domain';
import type { MeasurePart } from '@taizhang/ledger-core';
import type { RowOutcome } from '../ledger-tables/row-write';

export const RowOpEnum = { INSERT: 'INSERT', UPDATE: 'UPDATE', DELETE: 'DELETE' } as const;
registerEnumType(RowOpEnum, { name: 'RowOp' });
export const RowStatusEnum = { SAVED: 'SAVED', REJECTED: 'REJECTED', CONFLICT: 'CONFLICT', VALID: 'VALID' } as const;
registerEnumType(RowStatusEnum, {
  name: 'RowStatus',
  valuesMap: { VALID: { description: 'Passed every check but was not written (a preview of a file import).' } },
});

@InputType('RowChangeInput')
export class RowChangeInput {
  @Field(() => RowOpEnum) op: keyof typeof RowOpEnum;
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => Int, { nullable: true, description: 'The version the change is based on (UPDATE, DELETE).' }) version?:
    number | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Field values by key; for an UPDATE only the changed ones are needed.',
  })
  values?: unknown;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'For derived figures set by hand: { fieldKey: why } (an override; a derived value without a reason is refused).',
  })
  reasons?: unknown;
  @Field(() => ID, {
    nullable: true,
    description:
      "The unit of this change's row, when one batch carries rows of several units (an admin's or an import's, one transaction). Without it: the mutation's unitId. A clerk may name only their own unit; a change naming a unit the caller may not write is refused by itself.",
  })
  unitId?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "An INSERT's own key, made by the client for that new row (a random UUID; at most 100 characters). The same insert sent again — its answer lost, the page reloaded while it was on its way — updates the row it made from the version it made (its values now, edits made meanwhile included; a CONFLICT if someone else changed the row in between) instead of inserting a second. Kept 30 days, per ledger and unit.",
  })
  clientKey?: string | null;
}

@InputType('OrderInput')
export class OrderInputType {
  @Field(() => String) field: string;
  @Field(() => Boolean, { nullable: true }) desc?: boolean | null;
}

@ObjectType('RowLink', { description: 'A row of some ledger, shown by its display value.' })
export class RowLinkModel {
  @Field(() => String) ledger: string;
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) label: string | null;
}

@ObjectType('Row')
export class RowModel {
  @Field(() => ID) id: string;
  @Field(() => ID) unitId: string;
  @Field(() => String, { nullable: true }) period: string | null;
  @Field(() => Int) version: number;
  @Field(() => GraphQLJSON) values: Record<string, unknown>;
  @Field(() => Date) updatedAt: Date;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "For reference fields: { fieldKey: the referenced row's display text } (null: no row).",
  })
  display: Record<string, string | null> | null;
  @Field(() => RowLinkModel, {
    nullable: true,
    description: 'The row whose follow-up created this one, in any ledger; null otherwise.',
  })
  origin: RowLinkModel | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Derived figures set by hand: { fieldKey: { reason, derived (the figure it replaced), by, at } }; null: none.',
  })
  overrides?: Record<string, unknown> | null;
}

@ObjectType('ReferenceOption', { description: 'A row a reference may point at: its id and what it says.' })
export class ReferenceOptionModel {
  @Field(() => ID) id: string;
  @Field(() => String) label: string;
  @Field(() => String, { nullable: true, description: "More of what the row says (the target's other text fields)." })
  hint: string | null;
}

@ObjectType('FieldError')
export class FieldErrorModel {
  @Field(() => String) path: string;
  @Field(() => String) message: string;
}

@ObjectType('RowResult')
export class RowResultModel {
  @Field(() => Int) index: number;
  @Field(() => RowStatusEnum) status: keyof typeof RowStatusEnum;
  @Field(() => RowModel, { nullable: true }) row: RowModel | null;
  @Field(() => [FieldErrorModel], { nullable: true }) errors: FieldErrorModel[] | null;
  @Field(() => [FieldErrorModel], {
    nullable: true,
    description: 'Shown and allowed: warning rules, follow-up rows made.',
  })
  warnings: FieldErrorModel[] | null;
  @Field(() => RowModel, { nullable: true, description: 'For a conflict: the row as it is now.' })
  current: RowModel | null;

  /** The rows go out as read (a RowRecord is a Row): copying them would also read their lazy fields. */
  static of(outcome: RowOutcome, locale: Locale): RowResultModel {
    return {
      index: outcome.index,
      status: outcome.status,
      row: outcome.row ?? null,
      errors: outcome.errors ? outcome.errors.map((e) => ({ path: e.path, message: e.message[locale] })) : null,
      warnings: outcome.warnings ? outcome.warnings.map((e) => ({ path: e.path, message: e.message[locale] })) : null,
      current: outcome.current ?? null,
    };
  }
}

@ObjectType('SaveRowsResult')
export class SaveRowsResultModel {
  @Field(() => [RowResultModel]) results: RowResultModel[];
  @Field(() => Int) saved: number;
  @Field(() => Int) rejected: number;
  @Field(() => Int) conflicts: number;
}

@ObjectType('PageInfo')
export class PageInfoModel {
  @Field(() => String, { nullable: true }) endCursor: string | null;
  @Field(() => Boolean) hasNextPage: boolean;
}

@ObjectType('RowEdge')
export class RowEdgeModel {
  @Field(() => String) cursor: string;
  @Field(() => RowModel) node: RowModel;
}

@ObjectType('RowConnection')
export class RowConnectionModel {
  @Field(() => Int) totalCount: number;
  @Field(() => [RowEdgeModel]) edges: RowEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
}

@ObjectType('RowCorrectionNote', {
  description: 'What a correction (更正) of a submitted sheet made this change: why, who asked and who approved.',
})
export class RowCorrectionNoteModel {
  @Field(() => ID) id: string;
  @Field(() => String) field: string;
  @Field(() => String) reason: string;
  @Field(() => String, { nullable: true, description: 'Who asked for it (a display name).' }) requestedBy:
    string | null;
  @Field(() => String, { nullable: true, description: 'The admin who approved or made it (a display name).' })
  decidedBy: string | null;
}

@ObjectType('RowHistoryEntry')
export class RowHistoryEntryModel {
  @Field(() => String, { description: 'insert, update, delete or restore' }) op: string;
  @Field(() => Int) version: number;
  @Field(() => String, {
    description:
      'Why: save (the grid or the API), import, public (an anonymous answer), follow-up, seed, restore or correction (更正 of a submitted sheet)',
  })
  source: string;
  @Field(() => RowCorrectionNoteModel, {
    nullable: true,
    description: 'For a correction (source correction): its reason, who asked for it and who approved it.',
  })
  correction: RowCorrectionNoteModel | null;
  @Field(() => Date) changedAt: Date;
  @Field(() => String, { nullable: true, description: 'The username of who changed it.' }) changedBy: string | null;
  @Field(() => String, {
    nullable: true,
    description: "A change made by another system: its API token's name (changedBy is the admin who made the token).",
  })
  apiToken: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The changed fields before.' }) oldValues: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The changed fields after.' }) newValues: unknown;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'What the references among oldValues say now ({ field: text }, as Row.display); null: none.',
  })
  oldDisplay: unknown;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'What the references among newValues say now ({ field: text }, as Row.display); null: none.',
  })
  newDisplay: unknown;
}

@ObjectType('DeletedRow', { description: 'A row in the recycle bin (回收站): restoreRow brings it back.' })
export class DeletedRowModel {
  @Field(() => RowModel) row: RowModel;
  @Field(() => Date) deletedAt: Date;
  @Field(() => String, { nullable: true, description: 'Who deleted it (a username).' }) deletedBy: string | null;
}

@ObjectType('FieldValueCount', { description: 'A value a column holds and how many rows hold it (null: empty cells).' })
export class FieldValueCountModel {
  @Field(() => GraphQLJSON, { nullable: true }) value: unknown;
  @Field(() => Int) count: number;
}

@ObjectType('FieldValues', { description: "A column's distinct values, for a value-list filter." })
export class FieldValuesModel {
  @Field(() => [FieldValueCountModel]) values: FieldValueCountModel[];
  @Field(() => Boolean, { description: 'False when the column holds more values than were listed.' }) complete: boolean;
}

export const MeasurePartEnum = { COUNTED: 'COUNTED', MET: 'MET', MISSED: 'MISSED' } as const;
registerEnumType(MeasurePartEnum, {
  name: 'MeasurePart',
  description:
    "Which rows behind a measure: COUNTED, the rows it counts (a ratio's denominator's); MET, those its numerator counts too; MISSED, those it does not (MET and MISSED for ratios only).",
});

/** The drill-down arguments of rows and fieldValues: the rows behind a statistic (docs/dashboards.md, "Drill-down"). */
@ArgsType()
export class DrillArgs {
  @Field(() => String, {
    nullable: true,
    description: "Rows on or after this date (YYYY-MM-DD) on the ledger's date, as statistics count them.",
  })
  from?: string | null;

  @Field(() => String, { nullable: true, description: "Rows on or before this date on the ledger's date." })
  to?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only the rows behind this measure of the definition (a dashboard drill-down).',
  })
  measure?: string | null;

  @Field(() => MeasurePartEnum, {
    nullable: true,
    description: "Which of the measure's rows: COUNTED (default), MET or MISSED.",
  })
  measurePart?: MeasurePart | null;
}
