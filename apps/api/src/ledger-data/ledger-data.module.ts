import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { UnitsModule } from '../units/units.module';
import { RowAccess } from './row-access.service';
import { RowFollowUps } from './row-follow-ups.service';
import { RowWriter } from './row-writer.service';

/** The rows of ledger tables as features use them: who may read or write which, and the one write pipeline. */
@Module({
  imports: [LedgersModule, UnitsModule],
  providers: [RowAccess, RowWriter, RowFollowUps],
  exports: [RowAccess, RowWriter],
})
export class LedgerDataModule {}
