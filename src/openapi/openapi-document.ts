import type { INestApplication } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { DECORATORS, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { IS_PUBLIC } from '../common/decorators.js';
import { ErrorResponse } from './error-response.js';

/**
 * Set (through Swagger's own @ApiExtension metadata) on every @Public() handler, so the operation
 * Swagger builds for it can be found whatever its path; removed from the finished document.
 */
const PUBLIC_MARK = 'x-public-operation';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function describeService(): Omit<OpenAPIObject, 'paths'> {
  return (
    new DocumentBuilder()
      .setTitle('Session and token service')
      .setDescription(
        'User accounts, short-lived JWT access tokens and rotating refresh tokens, over OAuth2 and the original /user and /session API.',
      )
      .setVersion('1.0')
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      // Relative, so "Try it out" stays under an API Gateway stage path (/dev/...) as well as at
      // the root; the token URL is relative for the same reason.
      .addServer('.')
      .addOAuth2(
        {
          type: 'oauth2',
          flows: { password: { tokenUrl: 'oauth/token', scopes: {} } },
        },
        'oauth2',
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addBasicAuth(
        {
          type: 'http',
          scheme: 'basic',
          description:
            "A confidential client's id and secret (RFC 6749 §2.3.1). Public clients send `client_id` in the body instead, and confidential ones may send `client_id` + `client_secret` there.",
        },
        'client',
      )
      // Every route is behind the global bearer-token guard unless it is @Public(): the document
      // says so once here, and public operations override it with `security: []`.
      .addSecurityRequirements('bearer')
      .addSecurityRequirements('oauth2')
      .build()
  );
}

/** Marks each @Public() route (on its handler or its controller), as the bearer guard reads it. */
function markPublicRoutes(app: INestApplication): void {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype, instance } of module.controllers.values()) {
      if (!metatype || !instance) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        if (!reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [handler, metatype])) {
          continue;
        }
        const extensions = (Reflect.getMetadata(DECORATORS.API_EXTENSION, handler) ?? {}) as object;
        Reflect.defineMetadata(
          DECORATORS.API_EXTENSION,
          { ...extensions, [PUBLIC_MARK]: true },
          handler,
        );
      }
    }
  }
}

function* operations(document: OpenAPIObject): Generator<Operation> {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) yield operation;
    }
  }
}

/**
 * Public operations need no token: `security: []` (OpenAPI 3.0 §4.7.10), unless the route names
 * its own scheme (PUT /session reads a possibly expired bearer token itself; the OAuth2
 * endpoints take client credentials).
 */
function openPublicOperations(document: OpenAPIObject): void {
  for (const operation of operations(document)) {
    const marked = operation as Operation & { [PUBLIC_MARK]?: boolean };
    if (!marked[PUBLIC_MARK]) continue;
    delete marked[PUBLIC_MARK];
    operation.security ??= [];
  }
}

/** Every error answer has the one error body; a response that names its own schema keeps it. */
function describeErrorBodies(document: OpenAPIObject): void {
  const schema = { $ref: `#/components/schemas/${ErrorResponse.name}` };
  for (const operation of operations(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!response || !/^[45]/.test(status) || '$ref' in response || response.content) continue;
      response.content = { 'application/json': { schema } };
    }
  }
}

/**
 * The OpenAPI document of an application's routes, the same for the Swagger UI it serves and for
 * `npm run openapi`. Needs the application's module graph only: routes are read from metadata, so
 * the app need not be initialised (no lifecycle hook runs, nothing is listening).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  markPublicRoutes(app);
  const document = SwaggerModule.createDocument(app, describeService(), {
    extraModels: [ErrorResponse],
    // Explicit ids are set on each route (@ApiOperation); this is the fallback: `Users_register`.
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '')}_${method}`,
  });
  openPublicOperations(document);
  describeErrorBodies(document);
  return document;
}
