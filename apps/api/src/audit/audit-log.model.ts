import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum AuditKind {
  ROW = 'ROW',
  SHEET = 'SHEET',
  AUTH = 'AUTH',
  ADMIN = 'ADMIN',
}
registerEnumType(AuditKind, {
  name: 'AuditKind',
  description:
    "A row changed, a sheet submitted or returned, a sign-in event, an admin's action (common/admin-audit.ts).",
});

@ObjectType('AuditEntry', { description: 'One thing that happened: who, when, where, to what.' })
export class AuditEntryModel {
  @Field(() => Date) at: Date;
  @Field(() => AuditKind) kind: AuditKind;
  @Field(() => String, {
    description:
      'insert, update, delete, restore; submitted, returned; sign_in, sign_in_failed, account_locked, sign_out; an admin action (ADMIN_ACTIONS in common/admin-audit.ts: user_created, user_changed, password_reset, unit_created, unit_changed, setting_changed, api_token_created, api_token_revoked, webhook_created, webhook_deleted, ledger_published, view_saved, view_deleted, view_default_set: shared views only)',
  })
  action: string;
  @Field(() => String, { nullable: true, description: 'The username; null for an anonymous public answer.' })
  username: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The user's name as the admin gave it (users.displayName); null for an anonymous answer or an unknown name.",
  })
  displayName: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "A row change made by another system: the API token's name (the user is the admin who made the token).",
  })
  apiToken: string | null;
  @Field(() => ID, { nullable: true }) unitId: string | null;
  @Field(() => String, { nullable: true }) unitName: string | null;
  @Field(() => String, { nullable: true }) ledgerKey: string | null;
  @Field(() => ID, { nullable: true }) rowId: string | null;
  @Field(() => String, { nullable: true }) period: string | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'Rows: the changed fields before and after; sheets: late, reason; sign-ins: the address and reason; admin actions: { target, targetKind, set } — what it was done to, named as it was then, and what was set (no passwords or secrets).',
  })
  detail: unknown;
}
