import 'reflect-metadata';
import { configure as serverlessExpress } from '@codegenie/serverless-express';
import type { INestApplication } from '@nestjs/common';
import type { RequestListener } from 'node:http';
import { createApp } from './app.setup.js';
import { prefetchAwsParameters } from './config/aws-parameters.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { isUnavailable } from './database/outage.js';

/**
 * The Lambda entry point: the same Nest application as the local server (app.setup.ts), behind
 * `@codegenie/serverless-express`, which turns API Gateway events into Node requests and the
 * responses back into API Gateway results. It serves HTTP API (payload 2.0) and REST API (payload
 * 1.0) events. At import time (Lambda's init phase, before the first event, with a top-level
 * await) it reads the configuration and the SecureString parameters the environment names, builds
 * the app and the proxy; every event of the container reuses them. Whatever arrives gets an
 * answer: an event of another shape a 400; when the init could not build the app (DynamoDB
 * unreachable, a bad setting) the import still succeeds, and each event tries again, answering 503
 * while DynamoDB is unreachable. docs/DEPLOY.md says what this means for Lambda's init phase.
 */

/** The parts of an API Gateway HTTP API (payload 2.0) event this file reads or rewrites. */
export interface HttpApiEvent {
  readonly version: '2.0';
  readonly rawPath: string;
  readonly requestContext: {
    readonly stage?: string;
    readonly http: { readonly method: string; readonly [key: string]: unknown };
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** The parts of an API Gateway REST API (payload 1.0) event this file reads or rewrites. */
export interface RestApiEvent {
  readonly version?: '1.0';
  readonly path: string;
  readonly httpMethod: string;
  readonly pathParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly requestContext: {
    readonly stage?: string;
    readonly path?: string;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export type ApiGatewayEvent = HttpApiEvent | RestApiEvent;

/** What API Gateway expects back, in either payload format. */
export interface ApiGatewayResult {
  readonly statusCode: number;
  readonly body: string;
  readonly isBase64Encoded: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>>;
  readonly cookies?: readonly string[];
}

type Proxy = (event: ApiGatewayEvent, context: object) => Promise<ApiGatewayResult>;

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isOptional = (value: unknown, check: (value: unknown) => boolean): boolean =>
  value === undefined || value === null || check(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isPath = (value: unknown): boolean => isString(value) && value.startsWith('/');
const isStringMap = (value: unknown): boolean =>
  isObject(value) && Object.values(value).every((entry) => entry === undefined || isString(entry));
const isStringListMap = (value: unknown): boolean =>
  isObject(value) &&
  Object.values(value).every((entry) => Array.isArray(entry) && entry.every(isString));

/**
 * Why an event is not an API Gateway proxy event this handler can serve, or undefined when it is:
 * only the fields serverless-express reads are checked, and only for their types.
 */
export function eventProblem(event: unknown): string | undefined {
  if (!isObject(event) || !isObject(event.requestContext)) {
    return 'not an API Gateway proxy event: requestContext is missing';
  }
  const common =
    isOptional(event.headers, isStringMap) &&
    isOptional(event.body, isString) &&
    isOptional(event.isBase64Encoded, (value) => typeof value === 'boolean');
  if (event.version === '2.0') {
    const http = event.requestContext.http;
    const valid =
      common &&
      isPath(event.rawPath) &&
      isOptional(event.rawQueryString, isString) &&
      isOptional(event.cookies, (value) => Array.isArray(value) && value.every(isString)) &&
      isObject(http) &&
      isString(http.method);
    return valid ? undefined : 'not an HTTP API (payload 2.0) event: rawPath or method is missing';
  }
  if (event.version === undefined || event.version === '1.0') {
    const valid =
      common &&
      isPath(event.path) &&
      isString(event.httpMethod) &&
      isOptional(event.multiValueHeaders, isStringListMap) &&
      isOptional(event.queryStringParameters, isStringMap) &&
      isOptional(event.multiValueQueryStringParameters, isStringListMap) &&
      isOptional(event.pathParameters, isStringMap);
    return valid ? undefined : 'not a REST API (payload 1.0) event: path or httpMethod is missing';
  }
  return `unsupported API Gateway payload version ${JSON.stringify(event.version)}`;
}

/** An error answer made here, shaped as the app's exception filter shapes its own. */
function errorResult(
  statusCode: number,
  error: string,
  description: string,
  headers: Readonly<Record<string, string>> = {},
): ApiGatewayResult {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      ...headers,
    },
    body: JSON.stringify({ error, error_description: description }),
    isBase64Encoded: false,
  };
}

function isHttpApiEvent(event: ApiGatewayEvent): event is HttpApiEvent {
  return event.version === '2.0';
}

/** `/dev/docs` → `/docs` for stage `dev`; `/dev` → `/`; anything else unchanged. */
function withoutPrefix(path: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return path;
  const prefix = `/${stage}`;
  if (path === prefix) return '/';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

/**
 * Routes are at the root of the app, but API Gateway may put the stage in front of the path:
 * an HTTP API with a named stage sends `rawPath: "/dev/health"`. The REST API's `path` is already
 * relative to the stage (only `requestContext.path` carries it), and is stripped the same way in
 * case a proxy in front adds it. For REST API events the `proxy` path parameter is dropped too:
 * serverless-express would otherwise take `/{proxy}` as the whole path, so `/docs/{proxy+}` would
 * turn `/docs/swagger-ui.css` into `/swagger-ui.css`.
 */
export function normalizeEvent(event: ApiGatewayEvent): ApiGatewayEvent {
  const stage = event.requestContext.stage;
  if (isHttpApiEvent(event)) {
    return { ...event, rawPath: withoutPrefix(event.rawPath, stage) };
  }
  const pathParameters = Object.fromEntries(
    Object.entries(event.pathParameters ?? {}).filter(([name]) => name !== 'proxy'),
  );
  return { ...event, path: withoutPrefix(event.path, stage), pathParameters };
}

/** The environment with its `<NAME>_PARAMETER` secrets resolved: read from SSM once per container. */
const environment = prefetchAwsParameters(process.env);

interface Instance {
  readonly app: INestApplication;
  readonly serve: Proxy;
}

async function bootstrap(): Promise<Instance> {
  // Read once per container; a bad value fails the first event with a message naming the variable.
  const config = loadConfig(await environment());
  const app = await createApp(config);
  const serve: unknown = serverlessExpress({
    app: app.getHttpAdapter().getInstance() as RequestListener,
    // Its debug and info logs print whole events, with Authorization headers and passwords:
    // errors only, whatever the app's LOG_LEVEL (the app logs requests itself, redacted).
    logSettings: { level: 'error' },
    // Never a stack trace in a response, whatever NODE_ENV says.
    respondWithErrors: false,
  });
  return { app, serve: serve as Proxy };
}

let instance: Promise<Instance> | undefined;

/** The app for this container: built at import (or by the next event if that failed), shared. */
function getInstance(): Promise<Instance> {
  instance ??= bootstrap().catch((error: unknown) => {
    // Forget the failure so the next event tries again (DynamoDB or a network blip at start
    // should not poison the container), and say what went wrong in one line: a ConfigError names
    // the variable, and those of the secret ones (signing keys, clients) quote no value.
    instance = undefined;
    console.error(
      error instanceof ConfigError || isUnavailable(error)
        ? `Cannot start: ${(error as Error).message}`
        : `Cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    throw error;
  });
  return instance;
}

/** Closes this container's app (its DynamoDB sockets): for tests, which end where Lambda freezes. */
export async function close(): Promise<void> {
  const current = instance;
  instance = undefined;
  const built = await current?.catch(() => undefined);
  await built?.app.close();
}

/**
 * A request through the whole stack (API Gateway mapping, Express, every global middleware, guard
 * and interceptor, the request log, a JSON answer), made once in the init phase so that the first
 * event finds that code compiled and its lazily built parts built. A public, cacheable route that
 * reads nothing from DynamoDB; its log line carries the request id `lambda-init-warm-up`.
 */
const WARM_UP_EVENT: HttpApiEvent = {
  version: '2.0',
  rawPath: '/.well-known/oauth-authorization-server',
  rawQueryString: '',
  headers: { 'x-request-id': 'lambda-init-warm-up', host: 'localhost' },
  requestContext: { http: { method: 'GET', sourceIp: '127.0.0.1' } },
  isBase64Encoded: false,
};

/**
 * Lambda's init phase: the app is built now, not by the first event (which then costs only its
 * own work). A failure is logged by getInstance() and forgotten, never thrown: a module whose
 * import fails would make Lambda discard the container and run the init again on every event (a
 * crash loop); this way the container starts, and the first event tries again.
 */
await getInstance()
  .then(({ serve }) => serve(WARM_UP_EVENT, {}))
  .catch(() => undefined);

/** The Lambda handler (`dist-lambda/lambda.handler` in serverless.yml). */
export async function handler(event: unknown, context: object): Promise<ApiGatewayResult> {
  const problem = eventProblem(event);
  if (problem) return errorResult(400, 'invalid_request', problem);
  let serve: Proxy;
  try {
    ({ serve } = await getInstance());
  } catch (error) {
    // DynamoDB down while the app starts (it upserts the bootstrap clients): this event gets the
    // 503 any request would, and the next one builds the app again.
    if (isUnavailable(error)) {
      return errorResult(
        503,
        'temporarily_unavailable',
        'the service is temporarily unavailable; try again shortly',
        { 'retry-after': '1' },
      );
    }
    throw error;
  }
  return serve(normalizeEvent(event as ApiGatewayEvent), context);
}
