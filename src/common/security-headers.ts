import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Swagger UI and the OpenAPI document: public, the same for everyone, fine to cache. */
const DOCS = /^\/docs(?:-json|-yaml)?(?:\/|$)/;

/** RFC 6797: a year, subdomains included (the service is meant to live on its own host). */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Headers on every response. `Cache-Control: no-store` by default, because API answers carry
 * tokens or personal data (RFC 6749 §5.1, RFC 9111 §5.2.2.5); a route whose answer is public
 * replaces it with its own (discovery and JWKS: `public, max-age=300`), and the docs keep
 * theirs. HSTS in production only: locally the service speaks plain HTTP.
 */
export function securityHeaders(options: { readonly hsts: boolean }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!DOCS.test(req.path)) res.setHeader('Cache-Control', 'no-store');
    if (options.hsts) res.setHeader('Strict-Transport-Security', HSTS);
    next();
  };
}
