import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { RowsModule } from '../rows/rows.module';
import { UnitsModule } from '../units/units.module';
import { UsersModule } from '../users/users.module';
import { SheetsResolver } from './sheets.resolver';
import { SheetsService } from './sheets.service';

@Module({
  imports: [LedgersModule, RowsModule, UnitsModule, UsersModule],
  providers: [SheetsService, SheetsResolver],
  exports: [SheetsService],
})
export class ReportingModule {}
