import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import request from 'supertest';
import { DynamoDbRequestCounter } from '../src/database/dynamodb.client.js';
import { lockoutItems } from './setup/lockout-items.js';
import {
  PASSWORD,
  passwordGrant,
  refresh,
  registerUser,
  uniqueEmail,
  type Tokens,
} from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

/** Every stored item that still names the user (by key or by attribute). */
async function itemsOf(t: TestApp, userId: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const pages = paginateScan(
    { client: t.app.get(DynamoDBClient) },
    { TableName: t.config.dynamodb.tableName, ConsistentRead: true },
  );
  for await (const page of pages) {
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw);
      if (JSON.stringify(item).includes(userId)) found.push(item);
    }
  }
  return found;
}

const deleteAccount = (t: TestApp, accessToken: string, password: unknown) =>
  request(t.server)
    .delete('/user')
    .set('Authorization', `Bearer ${accessToken}`)
    .send({ password });
const getUser = (t: TestApp, accessToken: string) =>
  request(t.server).get('/user').set('Authorization', `Bearer ${accessToken}`);

describe('DELETE /user', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000' });
  });
  afterAll(() => t.close());

  it('deletes the user, its email claim and every session: 204; tokens refused at once; the email can register again', async () => {
    const email = await registerUser(t, uniqueEmail('leaving'));
    const sessions = [await passwordGrant(t, email), await passwordGrant(t, email)];
    const me = await getUser(t, sessions[0].access_token).expect(200);
    const userId = (me.body as { id: string }).id;
    expect((await itemsOf(t, userId)).length).toBeGreaterThanOrEqual(4);

    const counter = t.app.get(DynamoDbRequestCounter);
    counter.reset();
    await deleteAccount(t, sessions[0].access_token, PASSWORD).expect(204);
    // The bearer check; the password check (reservation ‖ credential read); the user's sessions
    // (Query); one transaction (credential, profile, lockout pair, 2 sessions); the Query that
    // finds any session started meanwhile. On DynamoDB Local only: a confirming read of each of
    // the transaction's 5 items (docs/DATA-MODEL.md).
    expect(counter.snapshot()).toEqual({
      GetItemCommand: 1,
      'GetItemCommand (local confirmation)': 5,
      UpdateItemCommand: 1,
      BatchGetItemCommand: 1,
      QueryCommand: 2,
      TransactWriteItemsCommand: 1,
    });

    for (const tokens of sessions) {
      await getUser(t, tokens.access_token).expect(401);
      await refresh(t, tokens.refresh_token).expect(400);
    }
    expect(await itemsOf(t, userId)).toEqual([]);
    await request(t.server)
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username: email, password: PASSWORD, client_id: 'demo-app' })
      .expect(400);

    // The email is free: a new account, with another id.
    const again = await request(t.server)
      .post('/user')
      .send({ email, password: 'a different passphrase' })
      .expect(201);
    expect((again.body as { id: string }).id).not.toBe(userId);
  });

  it('refuses a wrong password with 400 invalid_grant, counted as a failed sign-in, and deletes nothing', async () => {
    const email = await registerUser(t, uniqueEmail('staying'));
    const tokens = await passwordGrant(t, email);
    const response = await deleteAccount(t, tokens.access_token, 'not the password').expect(400);
    expect(response.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the password is incorrect',
    });
    expect((await lockoutItems(t, email, '127.0.0.1')).failures).toBe(1);
    await getUser(t, tokens.access_token).expect(200);
  });

  it('refuses a body without the password: 400, naming the field', async () => {
    const email = await registerUser(t, uniqueEmail('nobody-home'));
    const tokens = await passwordGrant(t, email);
    const response = await request(t.server)
      .delete('/user')
      .set('Authorization', `Bearer ${tokens.access_token}`)
      .expect(400);
    expect(response.body).toMatchObject({ fields: { password: ['password is required'] } });
  });
});

describe('DELETE /user with more sessions than one transaction holds', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      MAX_SESSIONS_PER_USER: '200',
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
    });
  });
  afterAll(() => t.close());

  it('deletes all 110 of them: 97 in the transaction, the rest after', async () => {
    const email = await registerUser(t, uniqueEmail('many'));
    const sessions: Tokens[] = [];
    for (let i = 0; i < 110; i++) sessions.push(await passwordGrant(t, email));
    const userId = (await getUser(t, sessions[0].access_token).expect(200)).body.id as string;

    await deleteAccount(t, sessions[109].access_token, PASSWORD).expect(204);
    expect(await itemsOf(t, userId)).toEqual([]);
    for (const tokens of [sessions[0], sessions[96], sessions[97], sessions[109]]) {
      await getUser(t, tokens.access_token).expect(401);
    }
  }, 120_000);
});
