import { Module } from '@nestjs/common';
import { LedgerDataModule } from '../ledger-data/ledger-data.module';
import { UnitsModule } from '../units/units.module';
import { RankingService } from './ranking.service';
import { StatisticsCorrections } from './statistics-corrections';
import { StatisticsResolver } from './statistics.resolver';
import { StatisticsService } from './statistics.service';

@Module({
  imports: [LedgerDataModule, UnitsModule],
  providers: [StatisticsService, RankingService, StatisticsResolver, StatisticsCorrections],
  exports: [StatisticsService],
})
export class StatisticsModule {}
