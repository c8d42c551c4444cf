import 'reflect-metadata';
import { createApp } from './app.setup.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { JavaMissingError } from './database/local-dynamodb.js';
import { prepareDatabase } from './database/prepare-database.js';

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
