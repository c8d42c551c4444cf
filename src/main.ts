import 'reflect-metadata';
import { createApp } from './app.setup.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { JavaMissingError } from './database/local-dynamodb.js';
import { prepareDatabase } from './database/prepare-database.js';
import { prepareGracefulClose } from './graceful-shutdown.js';

/** Past this, a shutdown that is still waiting gives up (exit 1) rather than hang. */
const SHUTDOWN_DEADLINE_MS = 9_000;

async function main(): Promise<void> {
  const { config, local } = await prepareDatabase(loadConfig(process.env));
  const app = await createApp(config).catch(async (error: unknown) => {
    await local?.stop();
    throw error;
  });
  const startClosing = prepareGracefulClose(app.getHttpServer());

  // On SIGINT/SIGTERM: stop accepting connections, finish the requests in flight, close the app,
  // then stop DynamoDB Local (in a process group of its own, so Ctrl-C does not reach it first),
  // then exit 0. `npm start` passes one Ctrl-C on to us more than once (the terminal signals the
  // whole group, npm and the Nest CLI forward it): the first one counts, the rest are ignored.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing the requests in flight, then stopping`);
    setTimeout(() => {
      console.error(`Requests still in flight after ${SHUTDOWN_DEADLINE_MS / 1000} s: exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    startClosing()
      .then(() => app.close())
      .finally(() => local?.stop())
      .then(
        () => {
          console.log('Stopped: requests answered, DynamoDB Local stopped');
          process.exit(0);
        },
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);

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
