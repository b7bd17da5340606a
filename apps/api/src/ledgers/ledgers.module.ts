import { Module } from '@nestjs/common';
import { UnitsModule } from '../units/units.module';
import { LedgerAccess } from './ledger-access.service';
import { LedgerPublisher } from './ledger-publisher.service';
import { LedgerRegistry } from './ledger-registry.service';
import { LedgersResolver } from './ledgers.resolver';
import { SchemaFiles } from './schema-files.service';

@Module({
  imports: [UnitsModule],
  providers: [LedgerRegistry, LedgerPublisher, LedgerAccess, SchemaFiles, LedgersResolver],
  exports: [LedgerRegistry, LedgerAccess, LedgerPublisher, SchemaFiles],
})
export class LedgersModule {}
