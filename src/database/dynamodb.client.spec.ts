import { GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { DatabaseUnavailableError } from './database-unavailable.error.js';
import { createDynamoDbClient, DYNAMODB_TIMEOUTS } from './dynamodb.client.js';

/**
 * The client against stand-ins for a DynamoDB that misbehaves at the socket level: one that
 * accepts connections and never answers (a frozen process), one that drops every connection, one
 * that answers a caller's mistake, and one that records what it is asked.
 */

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const getItem = () =>
  new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });

describe('createDynamoDbClient', () => {
  it('gives up on a database that accepts connections but never answers, within the call budget', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server = createTcpServer((socket) => sockets.add(socket));
    const client = createDynamoDbClient({ region: 'us-east-1', endpoint: await listen(server) });
    try {
      const started = Date.now();
      const error: unknown = await client.send(getItem()).catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(elapsed).toBeGreaterThanOrEqual(DYNAMODB_TIMEOUTS.silenceMs - 50);
      // Seconds of margin for a loaded machine; without throwOnRequestTimeout it never ended.
      expect(elapsed).toBeLessThan(DYNAMODB_TIMEOUTS.callBudgetMs + 1_500);
      // A timed-out attempt is not retried: it would end past the budget.
      expect(sockets.size).toBe(1);
    } finally {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      await close(server);
    }
  });

  it('retries connections dropped at once, then answers unavailable', async () => {
    let connections = 0;
    const server = createTcpServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    const client = createDynamoDbClient({ region: 'us-east-1', endpoint: await listen(server) });
    try {
      await expect(client.send(getItem())).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(connections).toBe(DYNAMODB_TIMEOUTS.maxAttempts);
    } finally {
      client.destroy();
      await close(server);
    }
  });

  it('takes an answer that arrived in time while this process was busy, not a timeout', async () => {
    let received: () => void = () => undefined;
    const server = createHttpServer((_request, response) => {
      received();
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end('{}');
      }, 100);
    });
    const client = createDynamoDbClient({ region: 'us-east-1', endpoint: await listen(server) });
    try {
      await client.send(getItem()); // a connection to reuse
      const arrived = new Promise<void>((resolve) => (received = resolve));
      const answer = client.send(getItem());
      // Once the request is at the server (its answer now due in 100 ms), the event loop blocks
      // past the attempt limit: the answer waits in the socket meanwhile. (Blocking before the
      // request arrived would delay the answer itself, on a loaded machine.)
      await arrived;
      const until = Date.now() + DYNAMODB_TIMEOUTS.silenceMs + 300;
      while (Date.now() < until) {
        // busy
      }
      await expect(answer).resolves.toEqual(
        expect.objectContaining({ $metadata: expect.anything() }),
      );
    } finally {
      client.destroy();
      await close(server);
    }
  });

  describe('a database that is busy, not gone (it answers other calls meanwhile)', () => {
    /** Answers GetItem for pk "slow" after 2.5 s, for "never" never, and the rest at once. */
    function busyServer() {
      return createHttpServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          const pk = (JSON.parse(body) as { Key?: { pk?: { S?: string } } }).Key?.pk?.S;
          if (pk === 'never') return;
          setTimeout(
            () => {
              response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
              response.end('{}');
            },
            pk === 'slow' ? 2_500 : 5,
          );
        });
      });
    }
    const get = (pk: string) =>
      new GetItemCommand({ TableName: 't', Key: { pk: { S: pk }, sk: { S: 'b' } } });

    async function whileOthersAreAnswered<T>(
      client: ReturnType<typeof createDynamoDbClient>,
      work: Promise<T>,
    ): Promise<PromiseSettledResult<T>> {
      let running = true;
      const others = (async () => {
        while (running) {
          await client.send(get('fast'));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const [settled] = await Promise.allSettled([work]);
      running = false;
      await others;
      return settled;
    }

    it('waits past the silence limit for a slow answer', async () => {
      const server = busyServer();
      const client = createDynamoDbClient({ region: 'us-east-1', endpoint: await listen(server) });
      try {
        const started = Date.now();
        const settled = await whileOthersAreAnswered(client, client.send(get('slow')));
        expect(settled.status).toBe('fulfilled');
        expect(Date.now() - started).toBeGreaterThan(DYNAMODB_TIMEOUTS.silenceMs);
      } finally {
        client.destroy();
        await close(server);
      }
    });

    it('but not past the cap', async () => {
      const server = busyServer();
      const client = createDynamoDbClient({ region: 'us-east-1', endpoint: await listen(server) });
      try {
        const started = Date.now();
        const settled = await whileOthersAreAnswered(client, client.send(get('never')));
        const elapsed = Date.now() - started;
        expect(settled.status).toBe('rejected');
        expect((settled as PromiseRejectedResult).reason).toBeInstanceOf(DatabaseUnavailableError);
        expect(elapsed).toBeGreaterThanOrEqual(DYNAMODB_TIMEOUTS.busyCapMs - 50);
        expect(elapsed).toBeLessThan(DYNAMODB_TIMEOUTS.busyCapMs + 2_000);
      } finally {
        client.destroy();
        await close(server);
      }
    }, 15_000);
  });

  it("leaves a caller's mistake as the SDK's own error, without retrying", async () => {
    let requests = 0;
    const server = createHttpServer((_request, response) => {
      requests += 1;
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({
          __type: 'com.amazon.coral.validate#ValidationException',
          message: 'The provided key element does not match the schema',
        }),
      );
    });
    const client = createDynamoDbClient({ region: 'us-east-1', endpoint: await listen(server) });
    try {
      const error: unknown = await client.send(getItem()).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
      expect((error as Error).name).toBe('ValidationException');
      expect(requests).toBe(1);
    } finally {
      client.destroy();
      await close(server);
    }
  });

  it('on DynamoDB Local, reads every item a transaction wrote, consistently, before answering', async () => {
    const asked: { target: string; body: Record<string, unknown> }[] = [];
    const server = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target']).split('.')[1];
        asked.push({ target, body: JSON.parse(body) as Record<string, unknown> });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end('{}');
      });
    });
    const client = createDynamoDbClient({ region: 'us-east-1', endpoint: await listen(server) });
    try {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: 't',
                Item: { pk: { S: 'EMAIL#a' }, sk: { S: 'EMAIL' }, u: { S: '1' } },
              },
            },
            {
              Update: {
                TableName: 't',
                Key: { pk: { S: 'USER#1' }, sk: { S: 'PROFILE' } },
                UpdateExpression: 'SET x = :x',
                ExpressionAttributeValues: { ':x': { S: 'y' } },
              },
            },
            {
              ConditionCheck: {
                TableName: 't',
                Key: { pk: { S: 'C' }, sk: { S: 'C' } },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      );
      expect(asked.map(({ target }) => target)).toEqual([
        'TransactWriteItems',
        'GetItem',
        'GetItem',
      ]);
      expect(asked.slice(1).map(({ body }) => body)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Key: { pk: { S: 'EMAIL#a' }, sk: { S: 'EMAIL' } },
            ConsistentRead: true,
          }),
          expect.objectContaining({
            Key: { pk: { S: 'USER#1' }, sk: { S: 'PROFILE' } },
            ConsistentRead: true,
          }),
        ]),
      );
    } finally {
      client.destroy();
      await close(server);
    }
  });
});
