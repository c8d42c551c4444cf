import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/** What code deep in a request (the password hasher) may need to know about that request. */
export interface RequestContext {
  /** Aborted when the client goes away before its response has been written. */
  readonly signal: AbortSignal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Express middleware, first in the chain: runs the rest of the request inside a RequestContext.
 * The response's `close` event before it has finished means the connection was lost (the client
 * hung up or timed out), and work queued for that request is no longer wanted.
 */
export function requestContext(_req: Request, res: Response, next: NextFunction): void {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new ClientGoneError());
  });
  runInRequestContext(controller.signal, next);
}

/** Runs `work` as part of a request whose abort signal is `signal` (what the middleware does). */
export function runInRequestContext<T>(signal: AbortSignal, work: () => T): T {
  return storage.run({ signal }, work);
}

/** The current request's signal; undefined outside a request (start-up, the CLI, unit tests). */
export function currentRequestSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}

/** The client of this request has gone: nobody is waiting for the work it asked for. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  constructor() {
    super('the client closed the connection before the response');
  }
}
