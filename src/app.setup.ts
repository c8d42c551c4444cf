import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ApiError } from './common/api-error.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { AppConfig } from './config/app-config.js';

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

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
}

function setUpSwagger(app: NestExpressApplication): void {
  const document = new DocumentBuilder()
    .setTitle('Session and token service')
    .setDescription(
      'User accounts, short-lived JWT access tokens and rotating refresh tokens, over OAuth2 and the original /user and /session API.',
    )
    .setVersion('1.0')
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
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, document), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}

/**
 * The one place an app is configured (body limits, pipes, the exception filter, headers, CORS,
 * Swagger), used alike by the local server, the Lambda handler and the tests.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requireKnownBodyType);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use(securityHeaders);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: [...config.corsOrigins], maxAge: 600 });
  }
  setUpSwagger(app);
}

/** Builds and configures the application; the caller decides whether to listen or proxy. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  await app.init();
  return app;
}
