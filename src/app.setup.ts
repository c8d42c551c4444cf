import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ApiError } from './common/api-error.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { limitBody, limitHeaders } from './common/input-limits.js';
import { requestContext } from './common/request-context.js';
import { securityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { AppConfig } from './config/app-config.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';

/** Bodies larger than this are refused with 413 before any work is done. */
const BODY_LIMIT = '64kb';

const ACCEPTED_BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/** A body in any other format is refused with 415 rather than silently read as empty. */
function requireKnownBodyType(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'];
  if (hasBody && !req.is(ACCEPTED_BODY_TYPES)) {
    next(
      new ApiError(
        415,
        'unsupported_media_type',
        `send the body as ${ACCEPTED_BODY_TYPES.join(' or ')}`,
      ),
    );
    return;
  }
  next();
}

/** Swagger UI at /docs and the OpenAPI document at /docs-json (the one `npm run openapi` writes). */
function setUpSwagger(app: NestExpressApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}

/**
 * The one place an app is configured (input limits, pipes, the exception filter, headers, CORS,
 * Swagger), used alike by the local server, the Lambda handler and the tests. Rate limits are a
 * guard (common/rate-limit.ts, in AppModule).
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders({ hsts: config.env === 'production' }));
  app.use(limitHeaders);
  app.use(requireKnownBodyType);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use(limitBody);
  // After the body parsers, whose stream callbacks would lose the context: from here on the
  // request's abort signal is at hand (the password hasher drops work for clients that left).
  app.use(requestContext);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: [...config.corsOrigins], maxAge: 600 });
  }
  setUpSwagger(app);
}

/** Builds and configures the application; the caller decides whether to listen or proxy. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  // The adapter given rather than left to Nest, which would import() @nestjs/platform-express:
  // in the Lambda bundle that would be a chunk loaded at start anyway, outside the size budget.
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config),
    new ExpressAdapter(),
    { bufferLogs: true, bodyParser: false },
  );
  configureApp(app, config);
  await app.init();
  return app;
}
