import pino from 'pino';

/**
 * The structured log. One line per HTTP request (request-logger.middleware.ts); never a
 * password, token or cookie — the redact list is a second line of defence.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL || (process.env.VITEST ? 'silent' : 'info'),
  redact: {
    paths: ['password', '*.password', 'token', '*.token', 'req.headers.cookie', 'req.headers.authorization'],
    censor: '[redacted]',
  },
});
