import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { localeOf } from '../common/graphql/request-locale';
import { CurrentPrincipal } from '../identity/auth.decorators';
import type { GraphQLContext, Principal } from '../identity/principal';
import { NoticeModel } from './notice.model';
import { NoticesService } from './notices.service';

@Resolver(() => NoticeModel)
export class NoticesResolver {
  constructor(private readonly service: NoticesService) {}

  @Query(() => [NoticeModel], {
    description: "The caller's own notices, newest first (at most 200), in the request's language.",
  })
  notices(
    @CurrentPrincipal() principal: Principal,
    @Context() context: GraphQLContext,
    @Args('unread', { type: () => Boolean, nullable: true, description: 'Only the unread ones.' })
    unread: boolean | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
  ): Promise<NoticeModel[]> {
    return this.service.list(principal, unread === true, first, localeOf(context));
  }

  @Query(() => Int, { description: "How many of the caller's notices are unread (the bell's number)." })
  unreadNoticeCount(@CurrentPrincipal() principal: Principal): Promise<number> {
    return this.service.unreadCount(principal);
  }

  @Mutation(() => Boolean, { description: "Marks the caller's own notices among the ids read; others are ignored." })
  markNoticesRead(
    @CurrentPrincipal() principal: Principal,
    @Args('ids', { type: () => [ID] }) ids: string[],
  ): Promise<boolean> {
    return this.service.markRead(principal, ids);
  }
}
