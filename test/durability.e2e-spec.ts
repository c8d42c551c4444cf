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
    const created = await Promise.all(
      emails.map((email) =>
        request(before.server).post('/user').send({ email, password: PASSWORD }),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(emails.map(() => 201));
    await first.stop('SIGKILL');
    await before.close();

    const second = await startLocalDynamoDb(dataDir);
    const after = await createTestApp(
      { ...env, DYNAMODB_ENDPOINT: second.endpoint },
      { createTable: true },
    );
    try {
      const again = await Promise.all(
        emails.map((email) =>
          request(after.server).post('/user').send({ email, password: PASSWORD }),
        ),
      );
      expect(again.map((response) => response.status)).toEqual(emails.map(() => 409));
    } finally {
      await after.close();
      await second.stop();
    }
  });
});
