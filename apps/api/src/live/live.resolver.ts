import { Args, Context, ID, Mutation, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentPrincipal } from '../identity/auth.decorators';
import type { GraphQLContext, Principal } from '../identity/principal';
import { sessionTokenOf } from '../identity/session-token';
import { LiveRows } from './live-rows.service';
import { PresenceModel } from './presence.model';
import { Presence } from './presence.service';
import { RowEventModel } from './row-event.model';

@Resolver()
export class LiveResolver {
  constructor(
    private readonly live: LiveRows,
    private readonly presence: Presence,
  ) {}

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

  @Subscription(() => [PresenceModel], {
    description:
      "Who has the sheet open (names, and the row each is on), sent at once and on every change; the subscription is the caller's own presence, gone when it ends. clientId: a UUID the caller's window makes, to move its row with movePresence.",
    resolve: (list: PresenceModel[] | Error) => {
      if (list instanceof Error) throw list;
      return list;
    },
  })
  sheetPresence(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('ledger', { type: () => String }) ledger: string,
    @Args('clientId', { type: () => ID }) clientId: string,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('period', { type: () => String, nullable: true }) period: string | null,
  ) {
    return this.presence.join(principal, sessionTokenOf(context.req), clientId, { ledger, unitId, period });
  }

  @Mutation(() => Boolean, {
    description:
      "The row the caller's open grid is on (null: none); false when that grid is not the caller's or has left.",
  })
  movePresence(
    @CurrentPrincipal() principal: Principal,
    @Args('clientId', { type: () => ID }) clientId: string,
    @Args('rowId', { type: () => ID, nullable: true }) rowId: string | null,
  ): Promise<boolean> {
    return this.presence.move(principal, clientId, rowId);
  }
}
