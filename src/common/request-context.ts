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
  storage.run(new ResponseContext(res), next);
}

/**
 * A request's context whose AbortController is made only when something asks for the signal:
 * only password hashing does, and an AbortController on every request was a measurable part of a
 * bearer request's CPU (docs/BENCH.md). A signal first asked for after the client left is
 * aborted already.
 */
class ResponseContext implements RequestContext {
  private controller?: AbortController;
  private gone = false;

  constructor(res: Response) {
    res.once('close', () => {
      if (res.writableFinished) return;
      this.gone = true;
      this.controller?.abort(new ClientGoneError());
    });
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.gone) this.controller.abort(new ClientGoneError());
    }
    return this.controller.signal;
  }
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
