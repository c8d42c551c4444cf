// The yardstick of `npm run bench:cold`: the smallest Nest application behind the same Lambda
// adapter, bundled by the same esbuild options as dist-lambda/lambda.mjs (scripts/build-lambda.js).
// One controller, one route that answers the benchmark's event 400, the Express platform and
// serverless-express, built at import (Lambda's init phase) as the service is. What the service
// adds on top (validation, logging, rate limits, DynamoDB client, passport, Swagger, ...) is the
// difference between the two figures.
import 'reflect-metadata';
import { configure as serverlessExpress } from '@codegenie/serverless-express';
import { BadRequestException, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RequestListener } from 'node:http';

@Controller()
class UserController {
  @Post('user')
  register(): never {
    throw new BadRequestException('email must be an email');
  }
}

@Module({ controllers: [UserController] })
class AppModule {}

const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false });
await app.init();
const proxy = serverlessExpress({
  app: app.getHttpAdapter().getInstance() as RequestListener,
  logSettings: { level: 'error' },
}) as (event: unknown, context: object) => Promise<unknown>;

export const handler = (event: unknown, context: object): Promise<unknown> => proxy(event, context);
