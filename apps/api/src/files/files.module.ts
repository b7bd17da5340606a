import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { SettingsModule } from '../config/settings.module';
import { LedgersModule } from '../ledgers/ledgers.module';
import { ReportingModule } from '../reporting/reporting.module';
import { LedgerDataModule } from '../ledger-data/ledger-data.module';
import { StatisticsModule } from '../statistics/statistics.module';
import { UnitsModule } from '../units/units.module';
import { FilesController } from './files.controller';
import { RowExport } from './row-export.service';
import { RowImport } from './row-import.service';
import { TableExport } from './table-export.service';

/** Excel and CSV in and out of ledgers (docs/excel.md). */
@Module({
  imports: [
    LedgersModule,
    LedgerDataModule,
    UnitsModule,
    StatisticsModule,
    ReportingModule,
    SettingsModule,
    AttachmentsModule,
  ],
  controllers: [FilesController],
  providers: [RowExport, RowImport, TableExport],
})
export class FilesModule {}
