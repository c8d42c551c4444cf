import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AttemptTimeoutHandler } from './attempt-timeout.handler.js';
import {
  confirmingReads,
  confirmTransactions,
  confirmTransactionsOptions,
} from './confirm-transactions.middleware.js';
import { DatabaseUnavailableError } from './database-unavailable.error.js';
import { DeadlineRetryStrategy } from './deadline-retry.strategy.js';
import { isUnavailable, sameRealmError } from './outage.js';

export interface DynamoDbClientOptions {
  readonly region: string;
  readonly endpoint?: string;
  /**
   * Every call may take PATIENT_MS: for local start-up only (table creation, warm-up), where a
   * DynamoDB Local just started can take more than a second to answer its first requests.
   */
  readonly patient?: boolean;
}

/**
 * How long the service waits for DynamoDB. An attempt gives up once the database has been silent
 * for silenceMs (nothing answered at all: down, frozen, unreachable), or after busyCapMs while it
 * answers other calls (busy); see AttemptTimeoutHandler. A call retries only while it can still end
 * within callBudgetMs (see DeadlineRetryStrategy), so a request that needs a database that is gone
 * learns so within about 1.5 s and answers 503 instead of hanging.
 */
export const DYNAMODB_TIMEOUTS = {
  silenceMs: 1_000,
  busyCapMs: 5_000,
  callBudgetMs: 1_500,
  maxAttempts: 3,
  retryBaseDelayMs: 50,
} as const;

/** The longest wait for table administration, and for a patient client's calls. */
export const PATIENT_MS = 30_000;

/** Table administration: never on a request's path, and slow on a DynamoDB Local just started. */
const ADMIN_OPERATIONS = new Set([
  'CreateTable',
  'DeleteTable',
  'DescribeTable',
  'UpdateTable',
  'DescribeTimeToLive',
  'UpdateTimeToLive',
  'ListTables',
]);

export function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/**
 * Counts DynamoDB requests by operation, so the benchmark can report requests per operation. The
 * confirming reads DynamoDB Local alone gets (confirm-transactions.middleware.ts) count as
 * `GetItemCommand (local confirmation)`.
 */
export class DynamoDbRequestCounter {
  private readonly counts = new Map<string, number>();
  record(command: string): void {
    this.counts.set(command, (this.counts.get(command) ?? 0) + 1);
  }
  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
  reset(): void {
    this.counts.clear();
  }
}

/**
 * The one DynamoDB client: keep-alive sockets (a TLS handshake per request would dominate latency),
 * bounded time per call (DYNAMODB_TIMEOUTS), failures that are the service's fault turned into
 * DatabaseUnavailableError so the HTTP layer answers 503, and, on DynamoDB Local, transactions
 * made durable before they are acknowledged.
 */
export function createDynamoDbClient(
  options: DynamoDbClientOptions,
  counter?: DynamoDbRequestCounter,
): DynamoDBClient {
  const local = isLoopback(options.endpoint);
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: DYNAMODB_TIMEOUTS.maxAttempts,
    // The middleware stack is resolved once per command class, not on every send (it was about a
    // tenth of the SDK's CPU per request). Safe because middleware is only ever added to the
    // client, below, before its first send, never to a command.
    cacheMiddleware: true,
    retryStrategy: new DeadlineRetryStrategy({
      maxAttempts: DYNAMODB_TIMEOUTS.maxAttempts,
      attemptTimeoutMs: DYNAMODB_TIMEOUTS.silenceMs,
      budgetMs: DYNAMODB_TIMEOUTS.callBudgetMs,
      baseDelayMs: DYNAMODB_TIMEOUTS.retryBaseDelayMs,
    }),
    // DynamoDB Local on this machine accepts any credentials; any other endpoint (or AWS's own)
    // gets the SDK's credential chain, e.g. the Lambda role.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    requestHandler: new AttemptTimeoutHandler(
      {
        // A backstop for a body that stalls after its headers, past which the attempt limit reaches.
        socketTimeout: PATIENT_MS,
        httpAgent: new HttpAgent(agentOptions),
        httpsAgent: new HttpsAgent(agentOptions),
      },
      (operation) =>
        options.patient || ADMIN_OPERATIONS.has(operation)
          ? { silenceMs: PATIENT_MS, capMs: PATIENT_MS }
          : { silenceMs: DYNAMODB_TIMEOUTS.silenceMs, capMs: DYNAMODB_TIMEOUTS.busyCapMs },
    ),
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw sameRealmError(error);
      }
    },
    // Inside the retry middleware, which must see the error as it is to classify it.
    { step: 'finalizeRequest', priority: 'low', name: 'sameRealmErrors' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (counter) {
        const name = context.commandName ?? 'unknown';
        counter.record(confirmingReads.has(args.input) ? `${name} (local confirmation)` : name);
      }
      try {
        return await next(args);
      } catch (error) {
        if (isUnavailable(error)) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new DatabaseUnavailableError(`DynamoDB unavailable: ${reason}`, { cause: error });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'unavailableToServiceError' },
  );
  // DynamoDB Local can acknowledge a transaction before it is on disk; real DynamoDB cannot.
  if (local) client.middlewareStack.add(confirmTransactions(client), confirmTransactionsOptions);
  return client;
}
