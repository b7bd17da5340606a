import { Field, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType('PublicSurvey', { description: 'What a public survey page needs: the unit it is for and the form.' })
export class PublicSurveyModel {
  @Field(() => String) ledgerKey: string;
  @Field(() => String) unitCode: string;
  @Field(() => String) unitName: string;
  @Field(() => GraphQLJSON, { description: 'The public ledger’s definition: the questions, their options and rules.' })
  definition: unknown;
}
