import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Public } from '../identity/auth.decorators';
import type { GraphQLContext } from '../identity/principal';
import { PublicSurveyModel } from './public-answers.model';
import { PublicAnswersService } from './public-answers.service';

@Resolver()
export class PublicAnswersResolver {
  constructor(private readonly answers: PublicAnswersService) {}

  @Public()
  @Query(() => PublicSurveyModel, {
    description: 'Anonymous: the survey form behind a unit’s public link (/s/<unit code>).',
  })
  publicSurvey(
    @Args('unitCode', { type: () => String }) unitCode: string,
    @Args('ledger', { type: () => String, nullable: true }) ledger?: string | null,
  ): Promise<PublicSurveyModel> {
    return this.answers.survey(unitCode, ledger ?? null);
  }

  @Public()
  @Mutation(() => Boolean, {
    description: 'Anonymous: one answer into a public ledger (the survey) of one unit, by the unit’s public code.',
  })
  submitPublicAnswer(
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitCode', { type: () => String }) unitCode: string,
    @Args('values', { type: () => GraphQLJSON }) values: unknown,
    @Context() { req }: GraphQLContext,
    @Args('clientKey', {
      type: () => String,
      nullable: true,
      description:
        "The answer's own key, made by the form when it opens (a random UUID, at most 100 characters): sent again after an answer that did not come back, the answer is kept once (saveRows' clientKey).",
    })
    clientKey: string | null,
  ): Promise<boolean> {
    return this.answers.answer(ledger, unitCode, values, req.ip ?? 'unknown', clientKey);
  }
}
