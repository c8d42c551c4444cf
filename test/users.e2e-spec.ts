import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import request from 'supertest';
import { PASSWORD } from './setup/password.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

describe('POST /user (registration)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** Everything in the test's table: proves a refused request wrote nothing. */
  async function itemCount(): Promise<number> {
    const client = t.app.get(DynamoDBClient);
    const result = await client.send(new ScanCommand({ TableName: t.config.dynamodb.tableName }));
    return result.Count ?? 0;
  }

  it('creates an account with a normalised email and answers 201 {id, email}', async () => {
    const response = await request(t.server)
      .post('/user')
      .send({ email: '  Grace.Hopper@Example.COM ', password: PASSWORD })
      .expect(201);
    expect(response.body).toEqual({ id: expect.any(String), email: 'grace.hopper@example.com' });
    expect(Object.keys(response.body as object)).toEqual(['id', 'email']);
  });

  it('answers 409 when the email is taken, in any letter case', async () => {
    await request(t.server)
      .post('/user')
      .send({ email: 'dup@example.com', password: PASSWORD })
      .expect(201);
    const response = await request(t.server)
      .post('/user')
      .send({ email: 'DUP@example.com', password: 'another long passphrase' })
      .expect(409);
    expect(response.body).toEqual({ error: 'conflict', error_description: expect.any(String) });
  });

  it('lets exactly one of 20 concurrent registrations of one email succeed', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(t.server).post('/user').send({ email: 'race@example.com', password: PASSWORD }),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  describe('bad input: 4xx with a clear error, and nothing written', () => {
    let before: number;
    beforeAll(async () => {
      before = await itemCount();
    });
    afterAll(async () => {
      expect(await itemCount()).toBe(before);
    });

    // Each check once at its layer: the DTO's own (RegisterUserDto's spec has them all), the
    // password policy's (UsersService), both answered with the field named.
    it.each([
      ['missing email', { password: PASSWORD }, 'email', 'email is required'],
      [
        'password shorter than 12',
        { email: 'a@example.com', password: 'short pass' },
        'password',
        'password must be at least 12 characters',
      ],
      [
        '257-character password',
        { email: 'a@example.com', password: 'y'.repeat(257) },
        'password',
        'password must be at most 256 characters',
      ],
      [
        'a common password',
        { email: 'a@example.com', password: 'qwerty123456' },
        'password',
        'password is too common; choose another',
      ],
    ])('%s → 400 naming the field', async (_case, body, field, message) => {
      const response = await request(t.server).post('/user').send(body).expect(400);
      expect(response.body).toMatchObject({
        error: 'invalid_request',
        fields: { [field]: [message] },
      });
    });

    it('malformed JSON → 400 without a stack trace', async () => {
      const response = await request(t.server)
        .post('/user')
        .set('Content-Type', 'application/json')
        .send('{"email": "a@example.com",')
        .expect(400);
      expect(response.body.error).toBe('invalid_request');
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.js:\d+/);
    });

    it('a non-JSON content type → 415', async () => {
      const response = await request(t.server)
        .post('/user')
        .set('Content-Type', 'text/plain')
        .send('email=a@example.com')
        .expect(415);
      expect(response.body.error).toBe('unsupported_media_type');
    });

    it('a 1 MB body → 413 before any work', async () => {
      const response = await request(t.server)
        .post('/user')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ email: 'a@example.com', password: 'z'.repeat(1024 * 1024) }))
        .expect(413);
      expect(response.body.error).toBe('request_too_large');
    });
  });
});

describe('GET /health', () => {
  it('answers 200 when DynamoDB answers', async () => {
    const t = await createTestApp();
    try {
      await request(t.server).get('/health').expect(200, { status: 'ok' });
    } finally {
      await t.close();
    }
  });

  it('answers 503 with a JSON error when DynamoDB does not answer', async () => {
    const t = await createTestApp({
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      DEMO_CLIENT: 'false',
    });
    try {
      const response = await request(t.server).get('/health').expect(503);
      expect(response.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
    } finally {
      await t.close();
    }
  });

  it('answers registration with 503, not 500, when DynamoDB is unreachable', async () => {
    const t = await createTestApp({
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      DEMO_CLIENT: 'false',
    });
    try {
      const response = await request(t.server)
        .post('/user')
        .send({ email: 'down@example.com', password: PASSWORD })
        .expect(503);
      expect(response.body.error).toBe('temporarily_unavailable');
    } finally {
      await t.close();
    }
  });
});
