import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('RowEvent', {
  description:
    'What changed in a sheet (docs/live.md): ids and versions, never values — the receiver reads the rows it may see through rows(filter: { id: { in: ids } }).',
})
export class RowEventModel {
  @Field(() => String)
  ledger!: string;

  @Field(() => ID, {
    description:
      "The unit whose rows changed; for DEFINITION (every unit's) the unit the subscription watches, '0' when it watches every unit.",
  })
  unitId!: string;

  @Field(() => String, { nullable: true })
  period!: string | null;

  @Field(() => String, { description: 'SAVED, DELETED, RESTORED, SUBMITTED, RETURNED, WITHDRAWN or DEFINITION' })
  kind!: string;

  @Field(() => [ID])
  ids!: string[];

  @Field(() => [Int], { description: "The rows' versions after the change, in the order of ids." })
  versions!: number[];

  @Field(() => String, { nullable: true, description: "A return's reason." })
  reason!: string | null;
}
