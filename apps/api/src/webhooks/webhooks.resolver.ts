import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Clock } from '../common/time/clock';
import { CurrentPrincipal, Roles } from '../identity/auth.decorators';
import type { Principal } from '../identity/principal';
import { WebhookCreatedModel, WebhookDeliveryModel, WebhookInput, WebhookModel } from './webhook.model';
import { WebhooksService } from './webhooks.service';
import { AdminAction } from '../common/admin-audit';

@Resolver(() => WebhookModel)
export class WebhooksResolver {
  constructor(
    private readonly service: WebhooksService,
    private readonly clock: Clock,
  ) {}

  @Roles('admin')
  @Query(() => [WebhookModel], { description: 'Every webhook (admins only).' })
  webhooks(): Promise<WebhookModel[]> {
    return this.service.list();
  }

  @Roles('admin')
  @Query(() => [WebhookDeliveryModel], { description: "A webhook's deliveries, newest first (at most 200)." })
  webhookDeliveries(
    @Args('webhookId', { type: () => ID }) webhookId: string,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
  ): Promise<WebhookDeliveryModel[]> {
    return this.service.deliveries(webhookId, first);
  }

  @Roles('admin')
  @AdminAction({
    action: 'webhook_created',
    target: 'webhook',
    targetId: (_, created) => (created as WebhookCreatedModel | undefined)?.webhook.id,
  })
  @Mutation(() => WebhookCreatedModel, {
    description: 'Subscribes a URL to events; the answer carries the signing secret, shown this once.',
  })
  createWebhook(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => WebhookInput }) input: WebhookInput,
  ): Promise<WebhookCreatedModel> {
    return this.service.create(principal, input);
  }

  @Roles('admin')
  @AdminAction({ action: 'webhook_deleted', target: 'webhook', targetId: (args) => args.id, detail: () => null })
  @Mutation(() => Boolean, { description: 'Deletes a webhook and its delivery log; nothing more is sent to it.' })
  deleteWebhook(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.delete(id);
  }

  @Roles('admin')
  @Mutation(() => WebhookDeliveryModel, {
    description: '重新发送: sends a delivery again now, with the same id and body.',
  })
  resendDelivery(@Args('id', { type: () => ID }) id: string): Promise<WebhookDeliveryModel> {
    return this.service.resend(id, this.clock.now());
  }
}
