import { Module } from '@nestjs/common';
import { LedgerDataModule } from '../ledger-data/ledger-data.module';
import { LedgersModule } from '../ledgers/ledgers.module';
import { RowsResolver } from './rows.resolver';
import { RowsService } from './rows.service';
import { RowLinks } from './row-links.service';

@Module({
  imports: [LedgerDataModule, LedgersModule],
  providers: [RowsService, RowLinks, RowsResolver],
})
export class RowsModule {}
