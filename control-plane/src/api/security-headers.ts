import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/*
 * Security headers on every answer of the Worker (the API: JSON, evidence downloads, errors). The
 * pages and static files get theirs from web/public/_headers, which Workers static assets apply:
 * they need a policy that lets them run their own scripts, JSON answers need one that lets nothing
 * run. A WebSocket upgrade's answer (101, from the Durable Object) carries a socket, not a document,
 * and its headers cannot be changed: it is passed through as it is.
 */
const apiHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  // Evidence download links are fetched by the bank's tools, never embedded by another site.
  crossOriginResourcePolicy: 'same-origin',
  permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
});

/** Adds the API's security headers to every answer but a WebSocket upgrade's. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  if (c.req.header('upgrade')?.toLowerCase() === 'websocket') return next();
  return apiHeaders(c, next);
};
