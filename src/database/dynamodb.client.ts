import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DatabaseUnavailableError } from './database-unavailable.error.js';

export interface DynamoDbClientOptions {
  readonly region: string;
  readonly endpoint?: string;
}

/** Error names the SDK gives when the service, not the caller, is the problem. */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'UnrecognizedClientException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** Network failures and DynamoDB's own 5xx and throttling: the service's fault, not the caller's. */
export function isUnavailable(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: socket errors can come from another realm (as under jest).
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message, $metadata } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  return (
    (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) ||
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    (typeof message === 'string' && [...NETWORK_CODES].some((c) => message.includes(c))) ||
    (status !== undefined && status >= 500)
  );
}

export function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** Counts DynamoDB requests by operation, so the benchmark can report requests per operation. */
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
 * bounded connect and request timeouts, a few retries, and failures that are the service's fault
 * turned into DatabaseUnavailableError so the HTTP layer answers 503.
 */
export function createDynamoDbClient(
  options: DynamoDbClientOptions,
  counter?: DynamoDbRequestCounter,
): DynamoDBClient {
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 3,
    // DynamoDB Local on this machine accepts any credentials; any other endpoint (or AWS's own)
    // gets the SDK's credential chain, e.g. the Lambda role.
    ...(isLoopback(options.endpoint)
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 1_000,
      requestTimeout: 3_000,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counter?.record(context.commandName ?? 'unknown');
      try {
        return await next(args);
      } catch (error) {
        if (isUnavailable(error)) {
          throw new DatabaseUnavailableError(
            `DynamoDB unavailable: ${String((error as Error).message)}`,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'unavailableToServiceError' },
  );
  return client;
}
