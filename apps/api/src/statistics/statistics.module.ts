import { Module } from '@nestjs/common';
import { RowsModule } from '../rows/rows.module';
import { UnitsModule } from '../units/units.module';
import { RankingService } from './ranking.service';
import { StatisticsResolver } from './statistics.resolver';
import { StatisticsService } from './statistics.service';

@Module({
  imports: [RowsModule, UnitsModule],
  providers: [StatisticsService, RankingService, StatisticsResolver],
  exports: [StatisticsService],
})
export class StatisticsModule {}
