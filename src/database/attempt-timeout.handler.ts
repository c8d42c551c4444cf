import type { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';

export interface AttemptLimits {
  /** Give up when nothing at all has come back from the database for this long. */
  readonly silenceMs: number;
  /** Give up on this attempt after this long in any case. */
  readonly capMs: number;
}

/** How often a waiting attempt looks again, once past silenceMs, while the database is busy. */
const RECHECK_MS = 100;

/**
 * NodeHttpHandler with a time limit per attempt (connect, send, the answer's headers), chosen per
 * operation (DynamoDB names it in the X-Amz-Target header), that tells a database that is gone
 * from one that is busy:
 *
 * - An attempt gives up after `silenceMs` unless the database has answered some other request of
 *   this client within the last `silenceMs`. A frozen or unreachable database answers nothing, so
 *   every attempt ends about `silenceMs` after it began (or after the last answer before the fault).
 * - A database that keeps answering is busy, not gone: an attempt then waits up to `capMs`. DynamoDB
 *   Local on a small machine completes a couple of dozen transactions a second, so a burst of
 *   registrations queues for seconds; those answer late rather than 503.
 *
 * The handler's own requestTimeout only logs a warning unless throwOnRequestTimeout is set (which is
 * why a frozen DynamoDB, whose connections the kernel accepts, once held requests for as long as
 * their sockets lived), and it decides by a timer alone: on a busy process the timer and an answer
 * that has arrived both wait for the event loop, timers run first, and an answer that came in time
 * was taken for a timeout. Here, when the time is up, the event loop first reads what the sockets
 * hold (setImmediate runs after the poll phase), and gives up only if the answer is still missing.
 */
export class AttemptTimeoutHandler extends NodeHttpHandler {
  private lastAnswerAt = Number.NEGATIVE_INFINITY;

  constructor(
    options: ConstructorParameters<typeof NodeHttpHandler>[0],
    private readonly limitsFor: (operation: string) => AttemptLimits,
  ) {
    super(options);
  }

  override async handle(request: HttpRequest, options: HttpHandlerOptions = {}) {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const { silenceMs, capMs } = this.limitsFor(operation);
    const startedAt = performance.now();
    const timeout = new AbortController();
    let answered = false;
    let timedOut = false;
    const check = (): void => {
      setImmediate(() => {
        if (answered) return;
        const now = performance.now();
        if (now - this.lastAnswerAt < silenceMs && now - startedAt < capMs) {
          timer = setTimeout(check, RECHECK_MS);
          return;
        }
        timedOut = true;
        timeout.abort();
      });
    };
    let timer = setTimeout(check, silenceMs);
    const caller = options.abortSignal as AbortSignal | undefined;
    const abortSignal = caller ? AbortSignal.any([caller, timeout.signal]) : timeout.signal;
    try {
      const answer = await super.handle(request, { ...options, abortSignal });
      this.lastAnswerAt = performance.now();
      return answer;
    } catch (error) {
      if (!timedOut) throw error;
      const waited = Math.round(performance.now() - startedAt);
      throw Object.assign(new Error(`DynamoDB did not answer within ${waited} ms`), {
        name: 'TimeoutError',
        cause: error,
      });
    } finally {
      answered = true;
      clearTimeout(timer);
    }
  }
}
