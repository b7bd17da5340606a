import type { DataSourceOptions } from 'typeorm';
import { AuthEventEntity } from './audit/auth-event.entity';
import { postgresOptions } from './database/database-options';
import { SessionEntity } from './identity/session.entity';
import { LedgerMigrationEntity } from './ledgers/ledger-migration.entity';
import { LedgerVersionEntity } from './ledgers/ledger-version.entity';
import { LedgerEntity } from './ledgers/ledger.entity';
import { UnitEntity } from './units/unit.entity';
import { UserEntity } from './users/user.entity';

/**
 * Every entity, listed by hand so that the build and the tests see the same set. Each belongs to
 * the folder that owns its table; the app, which knows them all, lists them here, so that the
 * kernel's database/ imports no feature.
 */
export const ENTITIES = [
  UnitEntity,
  UserEntity,
  SessionEntity,
  AuthEventEntity,
  LedgerEntity,
  LedgerVersionEntity,
  LedgerMigrationEntity,
];

/** The API's database: the connection and migrations (database/) with the app's entities. */
export function databaseOptions(url: string): DataSourceOptions {
  return postgresOptions(url, ENTITIES);
}
