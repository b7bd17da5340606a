import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { UnitModel } from '../units/unit.model';
import { FloatColumn, StringColumn } from '../common/graphql/column-scalars';
import type { CountedRows } from './statistics-corrections';

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

@ObjectType('StatKeyColumn', {
  description: "One dimension's key of every group, group by group in the order of `rows`.",
})
export class StatKeyColumnModel {
  @Field(() => String) dimension: string;
  @Field(() => StringColumn) values: (string | null)[];
  @Field(() => [StatKeyModel], { description: 'Each value that occurs, once, with its label.' })
  labels: StatKeyModel[];
}

@ObjectType('StatValueColumn', {
  description: "One measure's value of every group, group by group in the order of `rows` (met: value ≥ target).",
})
export class StatValueColumnModel {
  @Field(() => String, { description: 'As StatValue.measure.' }) measure: string;
  @Field(() => String) title: string;
  @Field(() => Float, { nullable: true }) target: number | null;
  @Field(() => FloatColumn) values: (number | null)[];
}

/**
 * The groups are kept column by column (one list per dimension and per measure): thousands of
 * groups cost a few lists to send, not an object per key and per value. `rows` is the same
 * groups row by row, made only when a query asks for it (StatisticsResolver).
 */
@ObjectType('Statistics')
export class StatisticsModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => [StatKeyColumnModel], {
    description: 'The groups column by column: the keys, one column per dimension.',
  })
  keyColumns: StatKeyColumnModel[];
  @Field(() => [StatValueColumnModel], {
    description: 'The groups column by column: the values, one column per measure (per option for a distribution).',
  })
  valueColumns: StatValueColumnModel[];
  @Field(() => [StatValueModel]) totals: StatValueModel[];
  /** The rows counted (units, from–to): `corrections` looks within them (not a field). */
  counted?: CountedRows;
}

@ObjectType('StatCorrection', {
  description:
    'A correction (更正) applied after submission to a row these statistics count: its figures include the new value.',
})
export class StatCorrectionModel {
  @Field(() => ID) id: string;
  @Field(() => ID) unitId: string;
  @Field(() => String) unitName: string;
  @Field(() => String) period: string;
  @Field(() => String, { nullable: true, description: 'The row’s day on the ledger’s date (what `day` groups by).' })
  day: string | null;
  @Field(() => ID) rowId: string;
  @Field(() => String) field: string;
  @Field(() => String) fieldTitle: string;
  @Field(() => [String], { description: 'The measures whose figures the field goes into (their keys).' })
  measures: string[];
  @Field(() => GraphQLJSON, { nullable: true }) oldValue: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) newValue: unknown;
  @Field(() => String) reason: string;
  @Field(() => Date) correctedAt: Date;
}

@ObjectType('StatOverride', {
  description:
    'A derived figure (a measure of another ledger) that the unit set by hand, with its reason, in a row these statistics count.',
})
export class StatOverrideModel {
  @Field(() => ID) unitId: string;
  @Field(() => String) unitName: string;
  @Field(() => String) period: string;
  @Field(() => ID) rowId: string;
  @Field(() => String) field: string;
  @Field(() => String) fieldTitle: string;
  @Field(() => [String], { description: 'The measures whose figures the field goes into (their keys).' })
  measures: string[];
  @Field(() => GraphQLJSON, { nullable: true, description: 'The figure set by hand (what the statistics count).' })
  value: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The figure the source gave when it was set.' })
  derived: unknown;
  @Field(() => String) reason: string;
}

/** Whether a value reaches its measure's target (null: no target, or no value). */
export function isMet(value: number | null, target: number | null): boolean | null {
  return target === null || value === null ? null : value >= target;
}

/** The groups of statistics row by row, as `Statistics.rows` gives them. */
export function statRowsOf(statistics: StatisticsModel): StatRowModel[] {
  const labels = statistics.keyColumns.map((column) => new Map(column.labels.map((k) => [k.value, k.label])));
  const count = statistics.keyColumns[0]?.values.length ?? 0;
  return Array.from({ length: count }, (_, i) => ({
    keys: statistics.keyColumns.map((column, c) => {
      const value = column.values[i];
      return { dimension: column.dimension, value, label: labels[c].get(value) ?? '—' };
    }),
    values: statistics.valueColumns.map((column) => {
      const value = column.values[i];
      return {
        measure: column.measure,
        title: column.title,
        value,
        target: column.target,
        met: isMet(value, column.target),
      };
    }),
  }));
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
