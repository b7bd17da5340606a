import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { LedgerDataModule } from '../ledger-data/ledger-data.module';
import { UnitsModule } from '../units/units.module';
import { UsersModule } from '../users/users.module';
import { CorrectionsResolver, SheetCorrectionsResolver } from './corrections.resolver';
import { CorrectionsService } from './corrections.service';
import { SheetsResolver } from './sheets.resolver';
import { SheetsService } from './sheets.service';
import { FigureChecks } from './figure-checks.service';
import { ScheduledReminders } from './scheduled-reminders.service';

@Module({
  imports: [LedgersModule, LedgerDataModule, UnitsModule, UsersModule],
  providers: [
    SheetsService,
    SheetsResolver,
    FigureChecks,
    CorrectionsService,
    CorrectionsResolver,
    SheetCorrectionsResolver,
    ScheduledReminders,
  ],
  exports: [SheetsService, ScheduledReminders],
})
export class ReportingModule {}
