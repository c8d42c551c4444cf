import 'reflect-metadata';
import { createApp } from './app.setup.js';
import { AppConfig } from './config/app-config.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { createDynamoDbClient } from './database/dynamodb.client.js';
import {
  JavaMissingError,
  startLocalDynamoDb,
  type LocalDynamoDb,
} from './database/local-dynamodb.js';
import { ensureTable } from './database/table.setup.js';

/** Uses DYNAMODB_ENDPOINT when set; otherwise starts DynamoDB Local with its files in DATA_DIR. */
async function prepareDatabase(
  config: AppConfig,
): Promise<{ config: AppConfig; local?: LocalDynamoDb }> {
  let local: LocalDynamoDb | undefined;
  if (!config.dynamodb.endpoint) {
    local = await startLocalDynamoDb(config.dataDir);
    config = { ...config, dynamodb: { ...config.dynamodb, endpoint: local.endpoint } };
  }
  const client = createDynamoDbClient(config.dynamodb);
  try {
    await ensureTable(client, config.dynamodb.tableName);
  } finally {
    client.destroy();
  }
  return { config, local };
}

async function main(): Promise<void> {
  const { config, local } = await prepareDatabase(loadConfig(process.env));
  const app = await createApp(config);
  // On SIGINT/SIGTERM: close the app (finishing requests), then stop DynamoDB Local, then exit.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app
        .close()
        .then(() => local?.stop())
        .finally(() => process.exit(0));
    });
  }
  await app.listen(config.port);
  console.log(
    `Session service listening on http://localhost:${config.port} (Swagger UI at /docs, DynamoDB at ${config.dynamodb.endpoint})`,
  );
}

main().catch((error: unknown) => {
  // Configuration and environment problems get one clear line; anything else its stack.
  if (error instanceof ConfigError || error instanceof JavaMissingError) {
    console.error(`Cannot start: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
