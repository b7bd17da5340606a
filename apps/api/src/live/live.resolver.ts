import { Args, Context, ID, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentPrincipal } from '../identity/auth.decorators';
import type { GraphQLContext, Principal } from '../identity/principal';
import { sessionTokenOf } from '../identity/session-token';
import { LiveRows } from './live-rows.service';
import { RowEventModel } from './row-event.model';

@Resolver()
export class LiveResolver {
  constructor(private readonly live: LiveRows) {}

  @Subscription(() => RowEventModel, {
    description:
      "Every change to a ledger's rows in the caller's scope (a clerk: their unit only); unitId and period narrow it. Checked as rows is when it starts, and again before each event.",
    // the stream's last value is the reason it was ended (event-stream.ts): a GraphQL error of the contract's shape
    resolve: (event: RowEventModel | Error) => {
      if (event instanceof Error) throw event;
      return event;
    },
  })
  rowsChanged(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String, nullable: true }) period: string | null,
  ) {
    return this.live.subscribe(principal, sessionTokenOf(context.req), { ledger, unitId, period });
  }
}
