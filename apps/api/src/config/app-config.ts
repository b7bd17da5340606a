import path from 'node:path';
import { readAttachmentS3, type AttachmentS3Settings } from './attachment-s3';
import { parsePublicBaseUrl } from './public-base-url';

/** Everything the API reads from its environment, validated once at boot. */
export interface AppConfig {
  production: boolean;
  port: number;
  host: string;
  /** null: start an embedded PostgreSQL. */
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  seedDemo: boolean;
  /** With the demo units: a month of reports, cases and survey answers (a new database only). */
  demoRows: boolean;
  adminPassword: string | null;
  logLevel: string;
  /** Where the built web app lives; null when there is none to serve. */
  webDir: string;
  /** The ledger definitions (schemas/*.json), published at start-up and on change. */
  schemasDir: string;
  sessionIdleMinutes: number;
  /** TOKEN_RATE_LIMIT_PER_MINUTE: requests one API token may make per minute in one API process (docs/integration.md). */
  tokenRequestsPerMinute: number;
  cookieSecure: boolean;
  /**
   * PUBLIC_BASE_URL: the address phones reach the product at, for the public survey's QR codes;
   * an admin's setting on /survey-links overrides it (docs/operations.md, Public address).
   */
  publicBaseUrl: string | null;
  /**
   * WEBHOOK_ALLOWED_HOSTS (comma-separated): hosts a webhook may call though they are private,
   * loopback or link-local (docs/integration.md, Webhooks, URL policy). Empty: none.
   */
  webhookAllowedHosts: string[];
  /**
   * ATTACHMENT_S3_*: an S3-compatible bucket for the attachment files (several API servers);
   * null: the files stay under DATA_DIR/attachments (docs/operations.md, Attachment files in a bucket).
   */
  attachmentS3: AttachmentS3Settings | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    problems.push(`${name} must be a port number from 0 to 65535, got "${raw}"`);
    return fallback;
  }
  return value;
}

function readFlag(env: NodeJS.ProcessEnv, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be 1 or 0 (true/false), got "${raw}"`);
  return fallback;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): AppConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  let databaseUrl: string | null = env.DATABASE_URL?.trim() || null;
  if (databaseUrl) {
    try {
      const url = new URL(databaseUrl);
      if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
        problems.push(`DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}//"`);
      }
    } catch {
      problems.push('DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/database)');
      databaseUrl = null;
    }
  }

  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const idle = env.SESSION_IDLE_MINUTES ? Number(env.SESSION_IDLE_MINUTES) : 30;
  if (!Number.isFinite(idle) || idle <= 0) problems.push('SESSION_IDLE_MINUTES must be a positive number');

  const tokenRate = env.TOKEN_RATE_LIMIT_PER_MINUTE ? Number(env.TOKEN_RATE_LIMIT_PER_MINUTE) : 120;
  if (!Number.isInteger(tokenRate) || tokenRate <= 0)
    problems.push(
      `TOKEN_RATE_LIMIT_PER_MINUTE must be a positive whole number, got "${env.TOKEN_RATE_LIMIT_PER_MINUTE}"`,
    );

  let publicBaseUrl: string | null = null;
  if (env.PUBLIC_BASE_URL?.trim()) {
    const parsed = parsePublicBaseUrl(env.PUBLIC_BASE_URL);
    if ('url' in parsed) publicBaseUrl = parsed.url;
    else problems.push(`PUBLIC_BASE_URL: ${parsed.problem.en}, got "${env.PUBLIC_BASE_URL}"`);
  }

  const config: AppConfig = {
    production,
    port: readPort(env, 'PORT', 3000, problems),
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(root, env.DATA_DIR?.trim() || '.data'),
    embeddedPgPort: readPort(env, 'EMBEDDED_PG_PORT', 54329, problems),
    seedDemo: readFlag(env, 'SEED_DEMO', true, problems),
    demoRows: readFlag(env, 'DEMO_ROWS', true, problems),
    adminPassword: env.ADMIN_PASSWORD || null,
    logLevel,
    webDir: path.resolve(root, env.WEB_DIR?.trim() || 'dist/web'),
    schemasDir: path.resolve(root, env.SCHEMAS_DIR?.trim() || 'schemas'),
    sessionIdleMinutes: idle,
    tokenRequestsPerMinute: tokenRate,
    cookieSecure: readFlag(env, 'COOKIE_SECURE', production, problems),
    publicBaseUrl,
    webhookAllowedHosts: (env.WEBHOOK_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) =>
        h
          .trim()
          .replace(/^\[|\]$/g, '')
          .toLowerCase(),
      )
      .filter((h) => h.length > 0),
    attachmentS3: readAttachmentS3(env, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
