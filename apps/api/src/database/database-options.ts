import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { Foundation1764000000000 } from './migrations/1764000000000-foundation';
import { Ledgers1764100000000 } from './migrations/1764100000000-ledgers';
import { Rows1764200000000 } from './migrations/1764200000000-rows';
import { Reminders1764300000000 } from './migrations/1764300000000-reminders';
import { AuthChangeNotices1764400000000 } from './migrations/1764400000000-auth-change-notices';
import { LedgerWriteGuards1764500000000 } from './migrations/1764500000000-ledger-write-guards';
import { WriteSources1764600000000 } from './migrations/1764600000000-write-sources';
import { SignInThrottle1764700000000 } from './migrations/1764700000000-sign-in-throttle';
import { SheetWithdrawals1764850000000 } from './migrations/1764850000000-sheet-withdrawals';
import { RowOrigins1764900000000 } from './migrations/1764900000000-row-origins';
import { Notices1765000000000 } from './migrations/1765000000000-notices';
import { DerivedFigures1765100000001 } from './migrations/1765100000001-derived-figures';
import { SheetCorrections1765100000000 } from './migrations/1765100000000-sheet-corrections';
import { UserPhones1765200000002 } from './migrations/1765200000002-user-phones';
import { ApiTokens1765200000010 } from './migrations/1765200000010-api-tokens';
import { Webhooks1765200000011 } from './migrations/1765200000011-webhooks';
import { WebhookGeneration1765300000100 } from './migrations/1765300000100-webhook-generation';
import { ReadPaths1765300000200 } from './migrations/1765300000200-read-paths';
import { AdminEvents1765300000500 } from './migrations/1765300000500-admin-events';
import { LiveRowsIndex1765400000300 } from './migrations/1765400000300-live-rows-index';
import { Attachments1765400000500 } from './migrations/1765400000500-attachments';
import { ThumbnailsAfterAnswer1765400000700 } from './migrations/1765400000700-thumbnails-after-answer';
import { LedgerViews1765500000000 } from './migrations/1765500000000-ledger-views';
import { RowSearch1765500000100 } from './migrations/1765500000100-row-search';
import { SheetPresence1765500000200 } from './migrations/1765500000200-sheet-presence';
import { RowReceipts1765700000000 } from './migrations/1765700000000-row-receipts';
import { SelectiveSearchGrams1765700000100 } from './migrations/1765700000100-selective-search-grams';
import { EveryUnitOrder1765600000000 } from './migrations/1765600000000-every-unit-order';

// A ledger's date column is a calendar day, not an instant: hand it over as "YYYY-MM-DD" rather than
// as a JS Date at the server's midnight, which a time zone would shift.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/**
 * Every migration, listed by hand so that the build and the tests see the same set. The entities
 * belong to the features that own their tables: the app lists them (app-data-source.ts).
 */
export const MIGRATIONS = [
  Foundation1764000000000,
  Ledgers1764100000000,
  Rows1764200000000,
  Reminders1764300000000,
  AuthChangeNotices1764400000000,
  LedgerWriteGuards1764500000000,
  WriteSources1764600000000,
  SignInThrottle1764700000000,
  SheetWithdrawals1764850000000,
  RowOrigins1764900000000,
  Notices1765000000000,
  SheetCorrections1765100000000,
  DerivedFigures1765100000001,
  UserPhones1765200000002,
  ApiTokens1765200000010,
  Webhooks1765200000011,
  WebhookGeneration1765300000100,
  ReadPaths1765300000200,
  AdminEvents1765300000500,
  LiveRowsIndex1765400000300,
  Attachments1765400000500,
  ThumbnailsAfterAnswer1765400000700,
  LedgerViews1765500000000,
  RowSearch1765500000100,
  SheetPresence1765500000200,
  EveryUnitOrder1765600000000,
  RowReceipts1765700000000,
  SelectiveSearchGrams1765700000100,
];

/** The connection, the migrations and the pool; `entities` are the app's. */
export function postgresOptions(url: string, entities: DataSourceOptions['entities']): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    // The schema is changed by migrations only, never by synchronize.
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: 20, application_name: 'taizhang-api' },
  };
}
