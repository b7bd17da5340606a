import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { ApiTokenAuth } from './identity/api-token-auth';
import { crossSiteGuard } from './identity/cross-site-guard.middleware';
import { requestLogger } from './common/http/request-logger.middleware';
import { securityHeaders } from './common/http/security-headers';
import { serveWebApp } from './common/http/web-app';
import type { Clock } from './common/time/clock';
import type { AppConfig } from './config/app-config';
import { SchemaFiles } from './ledgers/schema-files.service';
import { seedDemoRows } from './seed/demo-rows';
import { seedDatabase, type SeedOutcome } from './seed/seed-database';

export interface RunningApi {
  app: NestExpressApplication;
  url: string;
  seed: SeedOutcome;
  close(): Promise<void>;
}

/**
 * Builds the whole server on a database: migrations, seed, GraphQL, the web app, one port.
 * main.ts calls it for `npm start`; the integration tests call it on a fresh database.
 */
export async function startApi(config: AppConfig, databaseUrl: string, clock?: Clock): Promise<RunningApi> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl, clock), {
    logger: ['error', 'warn'],
    // Room for a pasted batch of thousands of rows; anything larger is refused with 413.
    rawBody: false,
    bodyParser: false,
  });
  // first: every answer carries them, the body parser's and the middleware's refusals included
  app.use(securityHeaders());
  app.useBodyParser('json', { limit: '20mb' });
  app.disable('x-powered-by');
  // An ETag would hash every GraphQL answer for a conditional GET that no client makes (files
  // from dist/web keep theirs: express.static sets its own).
  app.set('etag', false);
  app.use(cookieParser());
  app.use(requestLogger);
  app.use(crossSiteGuard);
  // another system's API token (`Bearer tz_…`): looked up, checked and made the request's caller
  app.use(app.get(ApiTokenAuth).middleware);
  if (config.production) app.set('trust proxy', false);
  serveWebApp(app.getHttpAdapter().getInstance(), config.webDir);
  // no enableShutdownHooks(): main.ts owns SIGTERM/SIGINT (it closes the API, then the embedded
  // PostgreSQL); Nest's own signal hooks closed the app a second time at once, and the two closes
  // raced on the same listeners and pool — now and then a stop hung for good (npm-start.int-spec).

  const db = app.get(DataSource);
  await db.runMigrations({ transaction: 'each' });
  const seed = await seedDatabase(db, config);
  // after the seed: ledger files may name the demo units
  await app.get(SchemaFiles).start();
  // the demo's rows need the published ledgers; only on the start that seeded the demo units
  if (seed === 'seeded' && config.demoRows) await seedDemoRows(app);

  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
  // closing twice (a signal during a test's stop) waits for the one close
  let closing: Promise<void> | null = null;
  return { app, url: `http://${host}:${address.port}`, seed, close: () => (closing ??= app.close()) };
}
