import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthEventEntity } from './auth-event.entity';
import { AuthAuditService } from './auth-audit.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuthEventEntity])],
  providers: [AuthAuditService],
  exports: [AuthAuditService],
})
export class AuditModule {}
