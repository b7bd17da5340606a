import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { LedgerDataModule } from '../ledger-data/ledger-data.module';
import { UnitsModule } from '../units/units.module';
import { PublicAnswersResolver } from './public-answers.resolver';
import { PublicAnswersService } from './public-answers.service';

@Module({
  imports: [LedgersModule, LedgerDataModule, UnitsModule],
  providers: [PublicAnswersService, PublicAnswersResolver],
})
export class PublicAnswersModule {}
