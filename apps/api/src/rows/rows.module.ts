import { Module } from '@nestjs/common';
import { LedgerDataModule } from '../ledger-data/ledger-data.module';
import { RowsResolver } from './rows.resolver';
import { RowsService } from './rows.service';

@Module({
  imports: [LedgerDataModule],
  providers: [RowsService, RowsResolver],
})
export class RowsModule {}
