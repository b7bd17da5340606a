import { DEMO_PASSWORD, DEMO_USERS } from './seed/demo-units';
import { startApi } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';
import { EMBEDDED_PRODUCT_DATABASE, startEmbeddedDatabase, type EmbeddedDatabase } from '@taizhang/embedded-db';
import { logger } from './common/http/logger';
import path from 'node:path';

/** `npm start`: the database (embedded unless DATABASE_URL is set), then the API and the web app. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  let embedded: EmbeddedDatabase | null = null;
  if (!config.databaseUrl) {
    const dataDir = path.join(config.dataDir, 'pg');
    console.log(`Starting the embedded PostgreSQL (data in ${dataDir}, port ${config.embeddedPgPort}) …`);
    embedded = await startEmbeddedDatabase({
      dataDir,
      port: config.embeddedPgPort,
      database: EMBEDDED_PRODUCT_DATABASE,
      log: (message) => logger.debug({ postgres: message }),
    });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping …`);
    await api?.close().catch((error) => logger.error({ err: error }, 'error while closing the API'));
    await embedded?.stop().catch((error) => logger.error({ err: error }, 'error while stopping PostgreSQL'));
    console.log('Stopped.');
    process.exit(process.exitCode ?? 0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception: stopping');
    process.exitCode = 1;
    void stop('uncaughtException');
  });

  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    api = await startApi(config, config.databaseUrl ?? embedded!.url);
  } catch (error) {
    console.error('Taizhang could not start:', error instanceof Error ? error.message : error);
    await embedded?.stop();
    process.exit(1);
  }

  console.log(`\n台账通 Taizhang is running: ${api.url}  (GraphQL: ${api.url}/graphql)`);
  // the demo's sign-ins, never in production (where demo accounts, if any, must change their password)
  if (!config.production && (api.seed === 'seeded' || api.seed === 'already-seeded')) {
    const clerks = DEMO_USERS.filter((u) => u.role === 'clerk');
    console.log(`Demo sign-ins (password ${DEMO_PASSWORD}):`);
    console.log('  admin   — 系统管理员 (admin)');
    console.log('  leader  — 局领导 (read-only leader)');
    console.log(
      `  ${clerks[0].username} … ${clerks[clerks.length - 1].username} — one clerk per unit, e.g. ${clerks[0].username}: ${clerks[0].displayName}`,
    );
  }
}

void main();
