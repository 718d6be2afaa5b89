// The security headers every answer carries, by helmet: a Content-Security-Policy that
// allows no inline script or style (the pages have none) and no framing, nosniff,
// no-referrer (links carry secrets), HSTS when the public URL is https.
//
// helmet itself, not @fastify/helmet: that plugin builds a new helmet middleware on every
// request (parsing the CSP directives each time), which cost a loaded server ~5 % of its
// CPU in a profile of the request form; here the middleware is built once.
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  https: boolean;
  /** GUESTLIST_LOGO_URL: its origin may serve the logo. */
  logoUrl: string | null;
  /** Where a sign-out form's redirect may end (Chrome applies form-action to redirects). */
  signOutOrigins: string[];
}

export function securityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const apply = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', ...(options.logoUrl ? [new URL(options.logoUrl).origin] : [])],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", ...options.signOutOrigins],
        upgradeInsecureRequests: options.https ? [] : null,
      },
    },
    // HSTS only where the public URL is https; over plain http it would be ignored anyway,
    // and on localhost it would pin https for every other local service.
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    apply(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
}
