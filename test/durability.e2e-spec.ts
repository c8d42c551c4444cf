import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startLocalDynamoDb } from '../src/database/local-dynamodb.js';
import { PASSWORD } from './setup/oauth.js';
import { createTestApp } from './setup/test-app.js';

/**
 * Local data is kept on disk under DATA_DIR: registrations acknowledged with 201 are there after
 * DynamoDB Local is killed (as in a crash) and started again on the same folder. (DynamoDB Local
 * can acknowledge a transaction a moment before it is on disk; the DynamoDB client reads the items
 * back locally to close that window. test/reliability/crash.reliability-spec.ts kills the server
 * and DynamoDB Local with writes in flight, and can be run without that read to see it matter.)
 */
describe('local data survives a crash of DynamoDB Local', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'durability-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('every 201 is there after SIGKILL and restart', async () => {
    const emails = Array.from({ length: 20 }, (_, i) => `durable-${i}@example.com`);
    const first = await startLocalDynamoDb(dataDir);
    const env = {
      DYNAMODB_ENDPOINT: first.endpoint,
      TABLE_NAME: 'durability',
      DEMO_CLIENT: 'false',
    };
    const before = await createTestApp(env, { createTable: true });
    let acknowledged: string[];
    try {
      const created = await Promise.all(
        emails.map((email) =>
          request(before.server).post('/user').send({ email, password: PASSWORD }),
        ),
      );
      // 201, or 503 where DynamoDB Local (a couple of dozen transactions a second on a loaded
      // 2-core machine) kept one waiting past the attempt limit: nothing else.
      const statuses = created.map((response) => response.status);
      expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
      acknowledged = emails.filter((_, i) => statuses[i] === 201);
      expect(acknowledged.length).toBeGreaterThanOrEqual(emails.length / 2);
    } finally {
      // Also when an expectation failed: a DynamoDB Local left running keeps jest from exiting.
      await first.stop('SIGKILL');
      await before.close();
    }

    const second = await startLocalDynamoDb(dataDir);
    const after = await createTestApp(
      { ...env, DYNAMODB_ENDPOINT: second.endpoint },
      { createTable: true },
    );
    try {
      const again = await Promise.all(
        acknowledged.map((email) =>
          request(after.server).post('/user').send({ email, password: PASSWORD }),
        ),
      );
      expect(again.map((response) => response.status)).toEqual(acknowledged.map(() => 409));
    } finally {
      await after.close();
      await second.stop();
    }
  });
});
