import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminAction } from '../common/admin-audit';
import { CurrentPrincipal } from '../identity/auth.decorators';
import type { Principal } from '../identity/principal';
import { ViewInput, ViewModel } from './view.model';
import { ViewsService } from './views.service';

@Resolver(() => ViewModel)
export class ViewsResolver {
  constructor(private readonly service: ViewsService) {}

  @Query(() => [ViewModel], {
    description: "The caller's personal views of the ledger and its shared ones (shared first, then by name).",
  })
  views(@CurrentPrincipal() principal: Principal, @Args('ledger') ledger: string): Promise<ViewModel[]> {
    return this.service.list(principal, ledger);
  }

  @Mutation(() => ViewModel, {
    description:
      'Creates a view (no id) or changes one: a personal view by its owner, a shared view by an admin (docs/views.md).',
  })
  // a shared view is an admin's action (common/admin-audit.ts); a personal one is not recorded
  @AdminAction({
    action: 'view_saved',
    target: 'view',
    targetId: (args, result) => (result as ViewModel | undefined)?.id ?? args.id,
  })
  saveView(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, nullable: true }) id: string | null,
    @Args('input', { type: () => ViewInput }) input: ViewInput,
  ): Promise<ViewModel> {
    return this.service.save(principal, id, input);
  }

  @Mutation(() => Boolean, { description: 'Deletes a view, as saveView may change it.' })
  @AdminAction({ action: 'view_deleted', target: 'view', targetId: (args) => args.id, detail: () => null })
  deleteView(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.delete(principal, id);
  }

  @Mutation(() => ViewModel, {
    description:
      'Marks a view as the one its ledger opens with (a shared view: for everyone, admins only; a personal view: for its owner), or unmarks it.',
  })
  @AdminAction({
    action: 'view_default_set',
    target: 'view',
    targetId: (args) => args.id,
    detail: (args) => ({ isDefault: args.isDefault }),
  })
  setDefaultView(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('isDefault', { type: () => Boolean, defaultValue: true }) isDefault: boolean,
  ): Promise<ViewModel> {
    return this.service.setDefault(principal, id, isDefault);
  }
}
