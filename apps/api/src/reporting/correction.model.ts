import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';

export const CorrectionStateEnum = {
  REQUESTED: 'REQUESTED',
  APPLIED: 'APPLIED',
  REJECTED: 'REJECTED',
} as const;
export type CorrectionState = keyof typeof CorrectionStateEnum;
registerEnumType(CorrectionStateEnum, {
  name: 'CorrectionState',
  description: 'REQUESTED: waiting for an admin; APPLIED: written into the row; REJECTED: refused with a reason.',
});

@ObjectType('Correction', {
  description: 'A correction (更正) of one field of one row of a submitted sheet, with its reason.',
})
export class CorrectionModel {
  @Field(() => ID) id: string;
  @Field(() => String) ledgerKey: string;
  @Field(() => ID) unitId: string;
  @Field(() => String) unitName: string;
  @Field(() => String) period: string;
  @Field(() => ID) rowId: string;
  @Field(() => String, { description: 'The field key.' }) field: string;
  @Field(() => String, { description: 'The field title, in the request’s language.' }) fieldTitle: string;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The value before (for an applied correction: when it was applied; else now).',
  })
  oldValue: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) newValue: unknown;
  @Field(() => String, {
    description: 'The value before as the field shows it, in the request’s language ("" for none).',
  })
  oldText: string;
  @Field(() => String, { description: 'The new value as the field shows it (files by their names).' })
  newText: string;
  @Field(() => String) reason: string;
  @Field(() => CorrectionStateEnum) state: string;
  @Field(() => String, { description: 'Who asked for it (a display name).' }) requestedBy: string;
  @Field(() => Date) requestedAt: Date;
  @Field(() => String, { nullable: true, description: 'The admin who approved, corrected or rejected it.' })
  decidedBy: string | null;
  @Field(() => Date, { nullable: true }) decidedAt: Date | null;
  @Field(() => String, { nullable: true }) rejectReason: string | null;
  @Field(() => Int, { nullable: true, description: 'The row version the correction made.' })
  appliedVersion: number | null;
}
