import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { UnitModel } from '../units/unit.model';

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

@ObjectType('RankedUnit', { description: 'A unit’s place on a measure, and the change from the period before.' })
export class RankedUnitModel {
  @Field(() => Int, { nullable: true, description: '1 is the best; units with no value come last, unranked.' })
  rank: number | null;
  @Field(() => UnitModel) unit: UnitModel;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => Float, { nullable: true, description: 'The value over the same number of days just before from.' })
  previous: number | null;
  @Field(() => Float, { nullable: true, description: 'value − previous.' }) change: number | null;
  @Field(() => Boolean, { nullable: true }) met: boolean | null;
}

@ObjectType('Ranking')
export class RankingModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => String) measure: string;
  @Field(() => String) title: string;
  @Field(() => Float, { nullable: true }) target: number | null;
  @Field(() => String) from: string;
  @Field(() => String) to: string;
  @Field(() => String) previousFrom: string;
  @Field(() => String) previousTo: string;
  @Field(() => [RankedUnitModel]) units: RankedUnitModel[];
}

@ObjectType('OptionCount')
export class OptionCountModel {
  @Field(() => String) value: string;
  @Field(() => String) label: string;
  @Field(() => Int) count: number;
  @Field(() => Float, { nullable: true, description: 'count ÷ the rows that answered the question.' }) share:
    number | null;
}

@ObjectType('QuestionResult')
export class QuestionResultModel {
  @Field(() => String) field: string;
  @Field(() => String) title: string;
  @Field(() => String) type: string;
  @Field(() => Int, { description: 'Rows that answered this question.' }) answered: number;
  @Field(() => [OptionCountModel]) options: OptionCountModel[];
}

@ObjectType('SurveyResults', { description: 'Per choice question: answers and the count and share of each option.' })
export class SurveyResultsModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => Int) responses: number;
  @Field(() => [QuestionResultModel]) questions: QuestionResultModel[];
}
