import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module.js';
import { loadConfig } from '../config/load-config.js';
import { buildOpenApiDocument } from './openapi-document.js';

export interface DocumentEnvironment {
  /** Never called: nothing is initialised. A test points it at a listener that counts. */
  readonly dynamodbEndpoint?: string;
  /** Never written to (no signing key, no mail). A test checks it stays empty. */
  readonly dataDir?: string;
}

/** A fixed configuration, so the document does not depend on who generates it, or where. */
function documentConfig(environment: DocumentEnvironment): ReturnType<typeof loadConfig> {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DYNAMODB_ENDPOINT: environment.dynamodbEndpoint ?? 'http://127.0.0.1:9',
    DATA_DIR: environment.dataDir ?? join(tmpdir(), 'session-service-openapi'),
  });
}

/**
 * The application's OpenAPI document without a server or a database: Nest builds the module
 * graph (constructors and factories only) and `app.init()` is never called, so no lifecycle hook
 * runs: no table check, no signing-key loading, no client bootstrap, no request to DynamoDB.
 */
export async function generateOpenApiDocument(
  environment: DocumentEnvironment = {},
): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.register(documentConfig(environment)), {
    logger: false,
    bodyParser: false,
    abortOnError: false,
  });
  return buildOpenApiDocument(app);
}

/** The committed file's text: stable, two-space JSON with a final newline. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
