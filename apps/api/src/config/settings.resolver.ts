import { Args, Field, Mutation, ObjectType, Query, Resolver, registerEnumType } from '@nestjs/graphql';
import { Roles } from '../identity/auth.decorators';
import { SettingsService, type PublicBaseUrlSource } from './settings.service';
import { AdminAction } from '../common/admin-audit';

enum PublicBaseUrlSourceEnum {
  SETTING = 'SETTING',
  ENVIRONMENT = 'ENVIRONMENT',
  NONE = 'NONE',
}
registerEnumType(PublicBaseUrlSourceEnum, {
  name: 'PublicBaseUrlSource',
  description: "Where the public address comes from: an admin's setting, PUBLIC_BASE_URL, or neither.",
});

@ObjectType('PublicBaseUrl', { description: 'The address phones reach the product at, for the QR codes.' })
class PublicBaseUrlModel {
  @Field(() => String, {
    nullable: true,
    description: "In use: the admin's setting, else PUBLIC_BASE_URL; null: the browser's own origin.",
  })
  url: string | null;
  @Field(() => PublicBaseUrlSourceEnum) source: PublicBaseUrlSource;
  @Field(() => String, { nullable: true, description: 'PUBLIC_BASE_URL as the server was started.' })
  environmentUrl: string | null;
  @Field(() => Date, { nullable: true }) updatedAt: Date | null;
}

@Resolver()
export class SettingsResolver {
  constructor(private readonly settings: SettingsService) {}

  @Roles('admin')
  @Query(() => PublicBaseUrlModel, { description: "Admins: the public address used in the survey's QR codes." })
  publicBaseUrl(): Promise<PublicBaseUrlModel> {
    return this.settings.publicBaseUrl();
  }

  @Roles('admin')
  @AdminAction({
    action: 'setting_changed',
    target: 'setting',
    targetId: () => 'publicBaseUrl',
    detail: (args) => ({ publicBaseUrl: args.url ?? null }),
  })
  @Mutation(() => PublicBaseUrlModel, {
    description: 'Admins: set the public address (an http(s) URL); null or blank falls back to PUBLIC_BASE_URL.',
  })
  setPublicBaseUrl(
    @Args('url', { type: () => String, nullable: true }) url: string | null,
  ): Promise<PublicBaseUrlModel> {
    return this.settings.setPublicBaseUrl(url ?? null);
  }
}
