import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';

@InputType('WebhookInput')
export class WebhookInput {
  @Field(() => String, {
    description: 'http(s) address the events are POSTed to (docs/integration.md, Webhooks, URL policy).',
  })
  url: string;
  @Field(() => [String], {
    description:
      'row.saved, sheet.submitted, sheet.late, sheet.returned, reminder.issued, rectification.overdue (at least one).',
  })
  events: string[];
  @Field(() => String, { nullable: true, description: "Only this ledger's events; null: every ledger." })
  ledger?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'For row.saved (a ledger required): a formula on the saved row, e.g. visit_result = "非常不满意".',
  })
  filter?: string | null;
}

@ObjectType('Webhook', { description: "An admin's subscription of a URL to events (docs/integration.md, Webhooks)." })
export class WebhookModel {
  @Field(() => ID) id: string;
  @Field(() => String) url: string;
  @Field(() => [String]) events: string[];
  @Field(() => String, { nullable: true }) ledger: string | null;
  @Field(() => String, { nullable: true }) filter: string | null;
  @Field(() => Boolean) active: boolean;
  @Field(() => Date) createdAt: Date;
}

@ObjectType('WebhookCreated', { description: 'A new webhook and its signing secret, shown this once.' })
export class WebhookCreatedModel {
  @Field(() => String) secret: string;
  @Field(() => WebhookModel) webhook: WebhookModel;
}

@ObjectType('WebhookDelivery', { description: 'One event sent (or to be sent) to a webhook.' })
export class WebhookDeliveryModel {
  @Field(() => ID, { description: "Also the X-Taizhang-Delivery header and the body's id." }) id: string;
  @Field(() => ID) webhookId: string;
  @Field(() => String) event: string;
  @Field(() => String, { description: 'PENDING, DELIVERED or FAILED (retries given up).' }) state: string;
  @Field(() => Int) attempts: number;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) lastAttemptAt: Date | null;
  @Field(() => Date, { nullable: true }) nextAttemptAt: Date | null;
  @Field(() => Int, { nullable: true, description: "The receiver's last HTTP status." }) responseStatus: number | null;
  @Field(() => String, { nullable: true, description: "The first 2 KB of the receiver's last answer." })
  responseBody: string | null;
  @Field(() => String, { nullable: true, description: 'Why the last attempt got no answer (refused, timeout…).' })
  error: string | null;
  @Field(() => String, { description: 'The JSON body as sent.' }) payload: string;
}
