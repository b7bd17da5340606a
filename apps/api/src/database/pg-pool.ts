import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The node-postgres pool under TypeORM's DataSource: for the hot paths that talk to pg directly
 * (row work, the session cache's listening connection), on the same connections and settings.
 */
export const pgPoolOf = (db: DataSource): Pool => (db.driver as unknown as { master: Pool }).master;
