import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '../identity/auth.decorators';
import type { Principal } from '../identity/principal';
import { ApiTokenCreatedModel, ApiTokenInput, ApiTokenModel } from './api-token.model';
import { ApiTokensService } from './api-tokens.service';
import { AdminAction } from '../common/admin-audit';

/** Admins only; an API token itself never reaches these (identity/token-scopes.ts lists none of them). */
@Resolver(() => ApiTokenModel)
export class ApiTokensResolver {
  constructor(private readonly tokens: ApiTokensService) {}

  @Roles('admin')
  @Query(() => [ApiTokenModel], { description: 'Every API token, live ones first (admins).' })
  apiTokens(): Promise<ApiTokenModel[]> {
    return this.tokens.list();
  }

  @Roles('admin')
  @AdminAction({
    action: 'api_token_created',
    target: 'api_token',
    targetId: (_, created) => (created as ApiTokenCreatedModel | undefined)?.apiToken.id,
  })
  @Mutation(() => ApiTokenCreatedModel, { description: 'A token for another system; the token is answered this once.' })
  createApiToken(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => ApiTokenInput }) input: ApiTokenInput,
  ): Promise<ApiTokenCreatedModel> {
    return this.tokens.create(input, principal.userId);
  }

  @Roles('admin')
  @AdminAction({ action: 'api_token_revoked', target: 'api_token', targetId: (args) => args.id, detail: () => null })
  @Mutation(() => Boolean, { description: 'Refused from the next request on, in every API process.' })
  revokeApiToken(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.tokens.revoke(id);
  }
}
