import { Module } from '@nestjs/common';
import { RowsModule } from '../rows/rows.module';
import { UnitsModule } from '../units/units.module';
import { FilesController } from './files.controller';
import { RowExport } from './row-export.service';
import { RowImport } from './row-import.service';

/** Excel and CSV in and out of ledgers (docs/excel.md). */
@Module({
  imports: [RowsModule, UnitsModule],
  controllers: [FilesController],
  providers: [RowExport, RowImport],
})
export class FilesModule {}
