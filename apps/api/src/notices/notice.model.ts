import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Notice', { description: "A notice to its reader: what happened to the clerk's work (docs/notices.md)." })
export class NoticeModel {
  @Field(() => ID) id: string;
  @Field(() => String, { description: 'REMINDER, RETURNED, FOLLOW_UP, OVERDUE or DEADLINE.' }) kind: string;
  @Field(() => String) title: string;
  @Field(() => String, { nullable: true }) body: string | null;
  @Field(() => String, { nullable: true, description: 'The key of the ledger it is about.' }) ledger: string | null;
  @Field(() => String, { nullable: true, description: 'The period of the sheet it is about.' }) period: string | null;
  @Field(() => ID, { nullable: true, description: 'The row it is about (a follow-up row, an overdue row).' })
  rowId: string | null;
  @Field(() => ID, { nullable: true, description: 'The unit it is about.' }) unitId: string | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) readAt: Date | null;
}
