import { randomUUID } from 'node:crypto';
import type { ApiGatewayResult, HttpApiEvent, RestApiEvent } from '../src/lambda.js';

/**
 * Hand-built API Gateway events, shaped as AWS documents them for Lambda proxy integrations
 * (HTTP API payload 2.0, REST API payload 1.0), for invoking the handler without AWS.
 */
export interface RequestSpec {
  readonly method: string;
  /** The path as the app sees it, e.g. `/health`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** A named API Gateway stage (its name prefixes the URL); `$default` when absent. */
  readonly stage?: string;
  /** REST API only: the matched resource, e.g. `/docs/{proxy+}`, and its path parameters. */
  readonly resource?: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
}

const HOST = 'abc123.execute-api.us-east-1.amazonaws.com';

function baseHeaders(spec: RequestSpec): Record<string, string> {
  const headers: Record<string, string> = {
    host: HOST,
    'user-agent': 'lambda-test',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-proto': 'https',
    'x-forwarded-port': '443',
  };
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  if (spec.body !== undefined) headers['content-length'] ??= String(Buffer.byteLength(spec.body));
  return headers;
}

/** An HTTP API (payload format 2.0) event. With a named stage, `rawPath` starts with it. */
export function httpApiEvent(spec: RequestSpec): HttpApiEvent {
  const stage = spec.stage ?? '$default';
  const rawPath = spec.stage ? `/${spec.stage}${spec.path}` : spec.path;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: new URLSearchParams(spec.query ?? {}).toString(),
    headers: baseHeaders(spec),
    ...(spec.query ? { queryStringParameters: { ...spec.query } } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: HOST,
      domainPrefix: 'abc123',
      http: {
        method: spec.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'lambda-test',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage,
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    isBase64Encoded: false,
  };
}

/**
 * A REST API (payload format 1.0) event: `path` is relative to the stage, which only
 * `requestContext.path` carries; headers come both single- and multi-valued.
 */
export function restApiEvent(spec: RequestSpec): RestApiEvent {
  const stage = spec.stage ?? 'dev';
  const headers = baseHeaders(spec);
  const resource = spec.resource ?? '/{proxy+}';
  return {
    resource,
    path: spec.path,
    httpMethod: spec.method,
    headers,
    multiValueHeaders: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, [value]]),
    ),
    queryStringParameters: spec.query ? { ...spec.query } : null,
    multiValueQueryStringParameters: spec.query
      ? Object.fromEntries(Object.entries(spec.query).map(([name, value]) => [name, [value]]))
      : null,
    pathParameters: spec.pathParameters ?? { proxy: spec.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      resourcePath: resource,
      httpMethod: spec.method,
      path: `/${stage}${spec.path}`,
      stage,
      identity: { sourceIp: '203.0.113.7', userAgent: 'lambda-test' },
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
    },
    body: spec.body ?? null,
    isBase64Encoded: false,
  };
}

/** A response header, from either payload format (2.0 joins values; 1.0 lists them). */
export function header(result: ApiGatewayResult, name: string): string | undefined {
  const key = name.toLowerCase();
  return result.headers?.[key] ?? result.multiValueHeaders?.[key]?.join(',');
}

/** The body as JSON (typed loosely, as supertest types `response.body`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function json(result: ApiGatewayResult): any {
  return JSON.parse(result.body);
}

/** A form-encoded body and its content type, as an OAuth client sends it. */
export function form(
  fields: Readonly<Record<string, string>>,
): Pick<RequestSpec, 'body' | 'headers'> {
  return {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

/** A JSON body and its content type. */
export function jsonBody(value: unknown): Pick<RequestSpec, 'body' | 'headers'> {
  return { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}
