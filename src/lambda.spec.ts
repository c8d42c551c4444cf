import { jest } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DatabaseUnavailableError } from './database/database-unavailable.error.js';
import type { ApiGatewayEvent, HttpApiEvent, RestApiEvent } from './lambda.js';

/**
 * The handler's own logic, with the Nest app replaced by a one-line stand-in: stage prefixes,
 * one app per container, and what happens when the app cannot start. (test/lambda.e2e-spec.ts
 * runs the real app.)
 */

const createApp = jest.fn<(config: unknown) => Promise<unknown>>();
createApp.mockImplementation(() => Promise.resolve(fakeApp()));
jest.unstable_mockModule('./app.setup.js', () => ({ createApp }));
const { handler, normalizeEvent, close } = await import('./lambda.js');

/**
 * The module as a new container loads it: its init phase (the import) reads the environment of
 * that moment and builds the app.
 */
async function newContainer(): Promise<typeof import('./lambda.js')> {
  jest.resetModules();
  jest.unstable_mockModule('./app.setup.js', () => ({ createApp }));
  return import('./lambda.js');
}

/** An express-like app answering every request with its method and URL. */
function fakeApp() {
  const app = {
    handle: (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url}`);
    },
  };
  return { getHttpAdapter: () => ({ getInstance: () => app }), close: jest.fn() };
}

function v2(rawPath: string, stage = '$default', rawQueryString = ''): HttpApiEvent {
  return {
    version: '2.0',
    rawPath,
    rawQueryString,
    headers: {},
    requestContext: { stage, http: { method: 'GET', sourceIp: '203.0.113.7' } },
    isBase64Encoded: false,
  };
}

function v1(path: string, pathParameters: Record<string, string> | null = null): RestApiEvent {
  return {
    path,
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    pathParameters,
    requestContext: { stage: 'dev', path: `/dev${path}`, identity: { sourceIp: '203.0.113.7' } },
    body: null,
    isBase64Encoded: false,
  };
}

const pathOf = (event: ApiGatewayEvent): string =>
  event.version === '2.0' ? event.rawPath : event.path;

describe('normalizeEvent', () => {
  it.each([
    ['a named stage prefix', '/dev/health', 'dev', '/health'],
    ['the bare stage path', '/dev', 'dev', '/'],
    ['nothing under $default', '/health', '$default', '/health'],
    ['nothing when the path does not start with the stage', '/health', 'dev', '/health'],
    ['nothing when the stage is only a prefix of a segment', '/devices', 'dev', '/devices'],
    ['the stage once only', '/dev/dev/x', 'dev', '/dev/x'],
  ])('HTTP API: strips %s', (_name, rawPath, stage, expected) => {
    expect(pathOf(normalizeEvent(v2(rawPath, stage)))).toBe(expected);
  });

  it('REST API: keeps the stage-relative path and drops the {proxy+} parameter only', () => {
    const event = normalizeEvent(v1('/docs/swagger-ui.css', { proxy: 'swagger-ui.css', id: '7' }));
    expect(pathOf(event)).toBe('/docs/swagger-ui.css');
    expect((event as RestApiEvent).pathParameters).toEqual({ id: '7' });
  });

  it('REST API: strips a stage prefix a proxy in front may have added', () => {
    expect(pathOf(normalizeEvent(v1('/dev/health')))).toBe('/health');
  });

  it('leaves the event it was given untouched', () => {
    const event = v2('/dev/health', 'dev');
    normalizeEvent(event);
    expect(event.rawPath).toBe('/dev/health');
  });
});

describe('handler', () => {
  const env = { ...process.env };

  beforeEach(async () => {
    await close();
    createApp.mockReset();
    process.env = { ...env, NODE_ENV: 'test' };
  });
  afterAll(() => {
    process.env = env;
  });

  it('answers API Gateway events through the app, with the stage stripped', async () => {
    createApp.mockResolvedValue(fakeApp());
    const result = await handler(v2('/dev/user/sessions', 'dev', 'a=1'), {});
    expect(result).toEqual(
      expect.objectContaining({ statusCode: 200, body: 'GET /user/sessions?a=1' }),
    );
    const rest = await handler(v1('/health'), {});
    expect(rest).toEqual(expect.objectContaining({ statusCode: 200, body: 'GET /health' }));
  });

  it('builds the app once per container, even for events that arrive together', async () => {
    createApp.mockResolvedValue(fakeApp());
    await Promise.all([handler(v2('/a'), {}), handler(v2('/b'), {}), handler(v1('/c'), {})]);
    await handler(v2('/d'), {});
    expect(createApp).toHaveBeenCalledTimes(1);
  });

  it('builds the app in the init phase, at import, before any event', async () => {
    createApp.mockResolvedValue(fakeApp());
    const container = await newContainer();
    expect(createApp).toHaveBeenCalledTimes(1);
    await container.handler(v2('/a'), {});
    await container.handler(v2('/b'), {});
    expect(createApp).toHaveBeenCalledTimes(1);
    await container.close();
  });

  it('an init that cannot build the app still loads (no crash loop); the first event tries again', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // The error class of the new container's module registry, as its own code would throw it.
      createApp.mockImplementationOnce(async () => {
        const fresh = await import('./database/database-unavailable.error.js');
        throw new fresh.DatabaseUnavailableError(
          'DynamoDB unavailable: DynamoDB did not answer within 1000 ms',
        );
      });
      createApp.mockResolvedValueOnce(fakeApp());
      const container = await newContainer();
      expect(logged.mock.calls.map(([line]) => String(line))).toEqual([
        'Cannot start: DynamoDB unavailable: DynamoDB did not answer within 1000 ms',
      ]);
      await expect(container.handler(v2('/health'), {})).resolves.toEqual(
        expect.objectContaining({ statusCode: 200, body: 'GET /health' }),
      );
      expect(createApp).toHaveBeenCalledTimes(2);
      await container.close();
    } finally {
      logged.mockRestore();
    }
  });

  it("reads the configuration from the container's environment", async () => {
    createApp.mockResolvedValue(fakeApp());
    process.env.TABLE_NAME = 'table-from-env';
    const container = await newContainer();
    await container.handler(v2('/'), {});
    await container.close();
    expect(createApp).toHaveBeenCalledWith(
      expect.objectContaining({
        dynamodb: expect.objectContaining({ tableName: 'table-from-env' }),
      }),
    );
  });

  it('fails an event when the configuration is bad, in one line that shows no value', async () => {
    const secret = 'not-json-but-secret-material';
    process.env.JWT_SIGNING_KEYS = secret;
    const container = await newContainer();
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(container.handler(v2('/health'), {})).rejects.toThrow('JWT_SIGNING_KEYS');
      expect(logged).toHaveBeenCalledTimes(1);
      const line = String(logged.mock.calls[0][0]);
      expect(line).toMatch(/^Cannot start: JWT_SIGNING_KEYS/);
      expect(line).not.toContain(secret);
      expect(createApp).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('resolves the SecureString parameters the environment names before it builds the app', async () => {
    // A name that is not a parameter path fails before any AWS request: proof the handler sends
    // its environment through the SSM resolver (aws-parameters.spec.ts covers the reading).
    process.env.JWT_SIGNING_KEYS_PARAMETER = 'not a path';
    const container = await newContainer();
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(container.handler(v2('/health'), {})).rejects.toThrow(
        'JWT_SIGNING_KEYS_PARAMETER must be an SSM parameter path',
      );
      expect(createApp).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('tries again on the next event after a failed start', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      createApp.mockRejectedValueOnce(new Error('DynamoDB was not reachable'));
      createApp.mockResolvedValueOnce(fakeApp());
      await expect(handler(v2('/health'), {})).rejects.toThrow('DynamoDB was not reachable');
      await expect(handler(v2('/health'), {})).resolves.toEqual(
        expect.objectContaining({ statusCode: 200 }),
      );
      expect(createApp).toHaveBeenCalledTimes(2);
    } finally {
      logged.mockRestore();
    }
  });

  it('answers 503 when DynamoDB is unreachable while the app starts; the next event starts it', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      createApp.mockRejectedValueOnce(
        new DatabaseUnavailableError(
          'DynamoDB unavailable: DynamoDB did not answer within 1000 ms',
        ),
      );
      createApp.mockResolvedValueOnce(fakeApp());
      const first = await handler(v2('/health'), {});
      expect(first).toEqual({
        statusCode: 503,
        headers: expect.objectContaining({
          'content-type': expect.stringMatching(/^application\/json/),
          'retry-after': '1',
          'cache-control': 'no-store',
        }),
        body: expect.any(String),
        isBase64Encoded: false,
      });
      expect(JSON.parse(first.body)).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
      // One line that says why, without a stack.
      expect(logged.mock.calls.map(([line]) => String(line))).toEqual([
        'Cannot start: DynamoDB unavailable: DynamoDB did not answer within 1000 ms',
      ]);
      await expect(handler(v2('/health'), {})).resolves.toEqual(
        expect.objectContaining({ statusCode: 200 }),
      );
    } finally {
      logged.mockRestore();
    }
  });

  it.each([
    ['no event at all', undefined],
    ['null', null],
    ['a string', 'GET /health'],
    ['an array', [v2('/health')]],
    ['an empty object', {}],
    ['an SQS event', { Records: [{ eventSource: 'aws:sqs', body: '{}' }] }],
    ['a 2.0 event without requestContext', { ...v2('/x'), requestContext: undefined }],
    ['a 2.0 event without rawPath', { ...v2('/x'), rawPath: undefined }],
    ['a 2.0 event whose path is not a path', { ...v2('/x'), rawPath: 'health' }],
    ['a 2.0 event without a method', { ...v2('/x'), requestContext: { http: {} } }],
    ['a 2.0 event with a header that is not a string', { ...v2('/x'), headers: { host: 1 } }],
    ['a 2.0 event with a body that is not a string', { ...v2('/x'), body: { a: 1 } }],
    ['a 1.0 event without httpMethod', { ...v1('/x'), httpMethod: undefined }],
    ['a 1.0 event with bad multiValueHeaders', { ...v1('/x'), multiValueHeaders: { a: 'b' } }],
    ['an unknown payload version', { ...v2('/x'), version: '3.0' }],
  ])('answers %s with 400 invalid_request, without starting the app', async (_case, event) => {
    const result = await handler(event, {});
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      error: 'invalid_request',
      error_description: expect.any(String),
    });
    expect(createApp).not.toHaveBeenCalled();
  });

  it('close() closes the app, and the next event builds a new one', async () => {
    const first = fakeApp();
    createApp.mockResolvedValueOnce(first).mockResolvedValueOnce(fakeApp());
    await handler(v2('/'), {});
    await close();
    expect(first.close).toHaveBeenCalledTimes(1);
    await handler(v2('/'), {});
    expect(createApp).toHaveBeenCalledTimes(2);
  });
});
