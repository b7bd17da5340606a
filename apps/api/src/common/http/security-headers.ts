import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { logger } from './logger';

/**
 * Handsontable's menus and editors are grids of their own, and each adds Handsontable's core
 * stylesheet to the page as a <style> element (once; the app also loads the same file as a
 * stylesheet). The policy allows that one text by its hash, taken from the installed
 * Handsontable, the one the web app was built with, so an upgrade needs no edit here.
 */
function handsontableCoreStyleHash(): string[] {
  try {
    const css = fs.readFileSync(require.resolve('handsontable/styles/handsontable.min.css'), 'utf8');
    return [`'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`];
  } catch (error) {
    logger.warn({ err: error }, "Handsontable's stylesheet not found: its menus will report a CSP violation");
    return [];
  }
}

/**
 * The Content-Security-Policy of every response: the web app's scripts, styles, fonts and data
 * come from this origin and nowhere else, nothing inline runs or styles, and no site may frame
 * it. Why each source is there: docs/operations.md, "Security headers and definition texts".
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  // only the bundle's own files: no inline <script>, no event-handler attributes; eval for the
  // one `new Function` in the bundle, Ajv compiling the definitions' meta-schema (ledger-core)
  'script-src': ["'self'", "'unsafe-eval'"],
  'script-src-attr': ["'none'"],
  // stylesheets from this origin, and Handsontable's own <style> (above); no style="…" in
  // markup (React, the grid and ECharts set styles through the CSSOM, which CSP allows)
  'style-src': ["'self'"],
  'style-src-elem': ["'self'", ...handsontableCoreStyleHash()],
  'style-src-attr': ["'none'"],
  // data: the grid theme's icons (SVG in its CSS); blob: an image made in the browser (none yet).
  // No fonts but the system's: default-src covers font-src
  'img-src': ["'self'", 'data:', 'blob:'],
  // GraphQL, the file endpoints: same origin (there are no subscriptions, so no ws:)
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every response (the API's, the web app's files, errors): helmet's, with
 * the policy above. Mounted first, so that a refusal by a later middleware carries them too.
 *
 * No route needs a looser policy: GraphQL has no landing page in any mode (app.module.ts sets
 * `playground: false`, which NestJS turns into Apollo's LandingPageDisabled), so nothing loads
 * Apollo's Sandbox from its CDN.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    // X-Frame-Options for browsers older than frame-ancestors
    xFrameOptions: { action: 'deny' },
    // same-origin, not no-referrer: with no-referrer a form POST of the app would say
    // `Origin: null`, which the cross-site guard refuses; other sites still get no referrer
    referrerPolicy: { policy: 'same-origin' },
    // the server speaks HTTP; HSTS pins HTTPS for every port of a host name, so it is for whatever
    // provides HTTPS in front of it to send, knowing what else runs on that name
    strictTransportSecurity: false,
  });
}
