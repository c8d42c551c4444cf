import type { NextFunction, Request, Response } from 'express';
import { BadRequestError } from './api-error.js';

/**
 * Limits on what a request may carry before any service looks at it. Huge or odd values must be
 * refused as the caller's mistake (400), never reach DynamoDB (whose keys hold at most 2048 bytes,
 * and which refuses strings that are not well-formed Unicode) or argon2, and never turn into a
 * 500. Body fields have their own limits where they are read (DTOs, oauth-request.ts).
 */

/** Header → longest value accepted, in characters. */
export const HEADER_MAX_LENGTHS: Readonly<Record<string, number>> = {
  // A bearer JWT is under 1 KB (RS256 with a 4096-bit key about 1.3 KB); Basic carries a client id
  // and a secret of at most 256 characters.
  authorization: 4096,
  // A client id: CLIENT_ID_PATTERN (clients/client-registration.ts) allows 128 characters.
  'x-koms-clientid': 128,
};

/** Nesting deeper than any body of this API has; stops stack-deep recursion in the validators. */
export const BODY_MAX_DEPTH = 8;

/** Names that would reach an object's prototype if a library copied them as keys. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A lone UTF-16 surrogate: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Express middleware, before the body parsers: bounded header values, each sent once. */
export function limitHeaders(req: Request, _res: Response, next: NextFunction): void {
  for (const [name, max] of Object.entries(HEADER_MAX_LENGTHS)) {
    const value = req.headers[name];
    if (value !== undefined && String(value).length > max) {
      next(new BadRequestError(`the ${name} header is longer than ${max} characters`));
      return;
    }
  }
  next();
}

/** The first problem with a parsed body, or undefined. Iterative, so depth costs no stack. */
export function bodyProblem(body: unknown): string | undefined {
  const pending: { value: unknown; depth: number; path: string }[] = [
    { value: body, depth: 0, path: 'body' },
  ];
  while (pending.length > 0) {
    const { value, depth, path } = pending.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return `${path} is not well-formed Unicode text`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= BODY_MAX_DEPTH)
      return `the body is nested more than ${BODY_MAX_DEPTH} levels deep`;
    for (const [key, child] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `property ${key} is not allowed`;
      if (LONE_SURROGATE.test(key)) return `a property name is not well-formed Unicode text`;
      pending.push({ value: child, depth: depth + 1, path: Array.isArray(value) ? path : key });
    }
  }
  return undefined;
}

/** Express middleware, after the body parsers: refuses bodies bodyProblem finds fault with. */
export function limitBody(req: Request, _res: Response, next: NextFunction): void {
  const problem = bodyProblem(req.body);
  next(problem === undefined ? undefined : new BadRequestError(problem));
}
