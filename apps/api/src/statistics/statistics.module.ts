import { Module } from '@nestjs/common';
import { RowsModule } from '../rows/rows.module';
import { UnitsModule } from '../units/units.module';
import { StatisticsResolver } from './statistics.resolver';
import { StatisticsService } from './statistics.service';

@Module({
  imports: [RowsModule, UnitsModule],
  providers: [StatisticsService, StatisticsResolver],
})
export class StatisticsModule {}
