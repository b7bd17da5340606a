import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { WebhookWorker } from './webhook-worker.service';
import { WebhooksResolver } from './webhooks.resolver';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks (docs/integration.md, Webhooks): the admin's subscriptions and the worker that sends the outbox.
 * Where events happen, the outbox is written with common/webhooks/webhook-outbox.ts.
 */
@Module({
  imports: [LedgersModule],
  providers: [WebhooksService, WebhooksResolver, WebhookWorker],
  exports: [WebhookWorker],
})
export class WebhooksModule {}
