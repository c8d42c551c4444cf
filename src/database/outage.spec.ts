import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DatabaseUnavailableError } from './database-unavailable.error.js';
import { isUnavailable } from './outage.js';

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:8000`), { code });
const named = (name: string, extra: object = {}) =>
  Object.assign(new Error('whatever the message says'), { name }, extra);

describe('isUnavailable', () => {
  it.each([
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
    ['a broken pipe', socketError('EPIPE')],
    ['an unreachable host', socketError('EHOSTUNREACH')],
    ['a name that does not resolve', socketError('ENOTFOUND')],
    ['the HTTP handler timing out', named('TimeoutError')],
    ['a socket error as the cause', new Error('wrapped', { cause: socketError('ECONNRESET') })],
    ['$retryable set by the service', named('SomethingNew', { $retryable: {} })],
    [
      'throttling by name',
      new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }),
    ],
    ['throttling by status', named('Unknown', metadata(429))],
    [
      'a 500 from DynamoDB',
      new InternalServerError({ message: 'x', $metadata: { httpStatusCode: 500 } }),
    ],
    ['a 503', named('ServiceUnavailable', metadata(503))],
    ['any other 5xx', named('Unknown', metadata(501))],
    ['already classified', new DatabaseUnavailableError('down')],
  ])('%s: unavailable', (_case, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    [
      'a failed condition',
      new ConditionalCheckFailedException({ message: 'x', $metadata: metadata(400).$metadata }),
    ],
    [
      'a cancelled transaction',
      new TransactionCanceledException({ message: 'x', $metadata: metadata(400).$metadata }),
    ],
    [
      'a missing table',
      new ResourceNotFoundException({ message: 'x', $metadata: metadata(400).$metadata }),
    ],
    ['a validation error', named('ValidationException', metadata(400))],
    ['bad credentials', named('UnrecognizedClientException', metadata(400))],
    // Classified by structure, never by text: a message that mentions a socket error is not one.
    ['a message that only mentions ECONNREFUSED', new Error('connect ECONNREFUSED 127.0.0.1')],
    ['an aborted call', named('AbortError', { code: 'ECONNRESET' })],
    ['a bug', new TypeError('x is undefined')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
  ])('%s: not unavailable', (_case, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});
