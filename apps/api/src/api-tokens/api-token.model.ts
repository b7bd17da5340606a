import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum TokenScope {
  STATISTICS_READ = 'STATISTICS_READ',
  ROWS_READ = 'ROWS_READ',
  UNIT_WRITE = 'UNIT_WRITE',
}
registerEnumType(TokenScope, {
  name: 'TokenScope',
  description:
    "STATISTICS_READ: statistics, boards, survey results, units and ledger definitions of every unit. ROWS_READ: that, and the rows of the chosen ledgers, read-only. UNIT_WRITE: read and write one unit's ledgers as a clerk of that unit.",
});

@InputType()
export class ApiTokenInput {
  @Field(() => String, { description: 'The system the token is for, e.g. 市统计平台 (1 to 60 characters).' })
  name: string;
  @Field(() => TokenScope) scope: TokenScope;
  @Field(() => ID, { nullable: true, description: 'UNIT_WRITE: the unit it writes for (required); refused otherwise.' })
  unitId?: string | null;
  @Field(() => [String], {
    nullable: true,
    description: 'ROWS_READ: the ledgers whose rows it reads (required). Others: optional narrowing.',
  })
  ledgers?: string[] | null;
  @Field(() => Date, { nullable: true, description: 'Default: one year from now. Must be in the future.' })
  expiresAt?: Date | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Client addresses (IPv4/IPv6) or blocks (CIDR, 10.0.0.0/8) it may be used from; empty: any.',
  })
  allowedAddresses?: string[] | null;
}

@ObjectType('ApiToken', { description: "Another system's access; the token itself is never shown again." })
export class ApiTokenModel {
  @Field(() => ID) id: string;
  @Field(() => String) name: string;
  @Field(() => TokenScope) scope: TokenScope;
  @Field(() => ID, { nullable: true }) unitId: string | null;
  @Field(() => String, { nullable: true, description: "The unit's name (UNIT_WRITE)." }) unitName: string | null;
  @Field(() => [String], { nullable: true }) ledgers: string[] | null;
  @Field(() => [String]) allowedAddresses: string[];
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute.' }) lastUsedAt: Date | null;
  @Field(() => Boolean) revoked: boolean;
  @Field(() => Date) createdAt: Date;
  @Field(() => String, { nullable: true, description: 'The username of the admin who created it.' })
  createdBy: string | null;
}

@ObjectType('ApiTokenCreated')
export class ApiTokenCreatedModel {
  @Field(() => String, { description: 'The token (tz_…): shown this once, only its hash is stored.' })
  token: string;
  @Field(() => ApiTokenModel) apiToken: ApiTokenModel;
}
