import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { UnitsModule } from '../units/units.module';
import { RowAccess } from './row-access.service';
import { RowFollowUps } from './row-follow-ups.service';
import { RowWriter } from './row-writer.service';
import { RowsResolver } from './rows.resolver';
import { RowsService } from './rows.service';

@Module({
  imports: [LedgersModule, UnitsModule],
  providers: [RowAccess, RowsService, RowWriter, RowFollowUps, RowsResolver],
  exports: [RowAccess, RowWriter],
})
export class RowsModule {}
