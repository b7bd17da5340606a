import type { DataSourceOptions } from 'typeorm';
import { AuthEventEntity } from '../audit/auth-event.entity';
import { SessionEntity } from '../auth/session.entity';
import { UnitEntity } from '../units/unit.entity';
import { UserEntity } from '../users/user.entity';
import { Foundation1764000000000 } from './migrations/1764000000000-foundation';

/** Every entity and migration, listed by hand so that the build and the tests see the same set. */
export const ENTITIES = [UnitEntity, UserEntity, SessionEntity, AuthEventEntity];
export const MIGRATIONS = [Foundation1764000000000];

export function databaseOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    // The schema is changed by migrations only, never by synchronize.
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: 20, application_name: 'taizhang-api' },
  };
}
