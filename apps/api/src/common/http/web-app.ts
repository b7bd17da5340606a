import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { logger } from './logger';

/** Paths that belong to the API, never to the single-page app. */
const API_PREFIXES = ['/graphql', '/export', '/import', '/health', '/attachments'];

/**
 * Serves the built web app (vite build → dist/web) from the API's own port: files as they are
 * (hashed assets cached for a year), and index.html for every other GET that wants HTML, so
 * that the app's own routes (/ledgers/…, /s/<code>) load on a refresh.
 */
export function serveWebApp(app: Express, webDir: string): boolean {
  const index = path.join(webDir, 'index.html');
  if (!fs.existsSync(index)) {
    logger.warn({ webDir }, 'no built web app found: run `npm run build` to serve the interface');
    return false;
  }
  app.use(
    express.static(webDir, {
      index: false,
      setHeaders: (res, file) => {
        if (file.includes(`${path.sep}assets${path.sep}`))
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    const isApi = API_PREFIXES.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`));
    if (req.method !== 'GET' || isApi || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
