import { Field, Float, ObjectType } from '@nestjs/graphql';

@ObjectType('StatKey', { description: 'One group key: the dimension, its raw value and a label to show.' })
export class StatKeyModel {
  @Field(() => String) dimension: string;
  @Field(() => String, { nullable: true }) value: string | null;
  @Field(() => String) label: string;
}

@ObjectType('StatValue')
export class StatValueModel {
  @Field(() => String, {
    description: 'The measure key; a distribution gives one value per option, as "<measure>:<option>".',
  })
  measure: string;
  @Field(() => String) title: string;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => Float, { nullable: true }) target: number | null;
  @Field(() => Boolean, { nullable: true }) met: boolean | null;
}

@ObjectType('StatRow')
export class StatRowModel {
  @Field(() => [StatKeyModel]) keys: StatKeyModel[];
  @Field(() => [StatValueModel]) values: StatValueModel[];
}

@ObjectType('Statistics')
export class StatisticsModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => [StatRowModel]) rows: StatRowModel[];
  @Field(() => [StatValueModel]) totals: StatValueModel[];
}
