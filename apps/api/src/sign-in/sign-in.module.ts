import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { IdentityModule } from '../identity/identity.module';
import { UsersModule } from '../users/users.module';
import { SignInResolver } from './sign-in.resolver';
import { SignInService } from './sign-in.service';
import { SignInThrottle } from './sign-in-throttle';

/** Signing in and out and changing one's password: users' passwords in, sessions out, each written to the audit trail. */
@Module({
  imports: [UsersModule, IdentityModule, AuditModule],
  providers: [SignInService, SignInResolver, SignInThrottle],
})
export class SignInModule {}
