import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { LedgerDataModule } from '../ledger-data/ledger-data.module';
import { LiveResolver } from './live.resolver';
import { LiveRows } from './live-rows.service';
import { LiveCallers } from './live-session';
import { Presence } from './presence.service';

/** Live rows (docs/live.md): GraphQL subscriptions fed by PostgreSQL's notices. */
@Module({
  imports: [IdentityModule, LedgerDataModule],
  providers: [LiveCallers, LiveRows, Presence, LiveResolver],
})
export class LiveModule {}
