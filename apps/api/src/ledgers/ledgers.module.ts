import { Module } from '@nestjs/common';
import { LedgerAccess } from './ledger-access.service';
import { LedgerPublisher } from './ledger-publisher.service';
import { LedgerRegistry } from './ledger-registry.service';
import { LedgersResolver } from './ledgers.resolver';
import { SchemaFiles } from './schema-files.service';

@Module({
  providers: [LedgerRegistry, LedgerPublisher, LedgerAccess, SchemaFiles, LedgersResolver],
  exports: [LedgerRegistry, LedgerAccess, LedgerPublisher, SchemaFiles],
})
export class LedgersModule {}
