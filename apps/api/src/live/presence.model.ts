import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('SheetPresence', { description: 'Someone who has the sheet open (docs/live.md, Presence).' })
export class PresenceModel {
  @Field(() => ID, { description: 'Their open grid (one per browser tab): the caller knows its own.' })
  clientId!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => String, { description: 'Their name as the users list shows it.' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The row they are on; null: none selected, or a new row.' })
  rowId!: string | null;

  @Field(() => Date)
  since!: Date;
}
