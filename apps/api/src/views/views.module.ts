import { Module } from '@nestjs/common';
import { LedgersModule } from '../ledgers/ledgers.module';
import { ViewsResolver } from './views.resolver';
import { ViewsService } from './views.service';

/** Saved views of a ledger's grid (docs/views.md): personal ones, shared ones, the default. */
@Module({
  imports: [LedgersModule],
  providers: [ViewsService, ViewsResolver],
})
export class ViewsModule {}
