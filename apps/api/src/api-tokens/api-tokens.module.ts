import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { ApiTokensResolver } from './api-tokens.resolver';
import { ApiTokensService } from './api-tokens.service';

/** Admins make and revoke API tokens for other systems; using one is identity's (api-token-auth.ts). */
@Module({
  imports: [LedgersModule],
  providers: [ApiTokensService, ApiTokensResolver],
})
export class ApiTokensModule {}
