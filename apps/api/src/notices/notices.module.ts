import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { UnitsModule } from '../units/units.module';
import { NoticeChecks } from './notice-checks.service';
import { NoticesResolver } from './notices.resolver';
import { NoticesService } from './notices.service';

/** A reader's notices and the scheduled check (docs/notices.md); the causes write theirs with common/notices. */
@Module({
  imports: [LedgersModule, UnitsModule],
  providers: [NoticesService, NoticesResolver, NoticeChecks],
  exports: [NoticeChecks],
})
export class NoticesModule {}
