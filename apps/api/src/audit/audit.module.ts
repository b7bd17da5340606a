import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgersModule } from '../ledgers/ledgers.module';
import { AdminAuditInterceptor } from '../common/admin-audit';
import { AuthEventEntity } from './auth-event.entity';
import { AuditLogResolver } from './audit-log.resolver';
import { AuditLogService } from './audit-log.service';
import { AuthAuditService } from './auth-audit.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuthEventEntity]), LedgersModule],
  providers: [
    AuthAuditService,
    AuditLogService,
    AuditLogResolver,
    { provide: APP_INTERCEPTOR, useClass: AdminAuditInterceptor },
  ],
  exports: [AuthAuditService],
})
export class AuditModule {}
