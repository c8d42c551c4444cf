import {
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDbUnitOfWork, dynamoDbUnitOfWork, UnitOfWork } from './unit-of-work.js';

/** The SDK client's boundary: what was sent, and answers (or errors) in turn. */
function client(...answers: Array<(command: unknown) => unknown>) {
  const sent: unknown[] = [];
  const db = {
    send: (command: unknown) => {
      sent.push(command);
      const answer = answers.shift();
      // An answer that throws becomes a rejected send, as the SDK's would.
      return new Promise((resolve) => resolve(answer ? answer(command) : {}));
    },
  } as unknown as DynamoDBClient;
  return { db, sent };
}

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) =>
      Code === 'ConditionalCheckFailed'
        ? { Code, Item: marshall({ pk: 'EMAIL#a', sessionCount: 3 }) }
        : { Code },
    ),
  });

const TABLE = 'test';
function fill(work: DynamoDbUnitOfWork, onConditionFailed?: (stored: unknown) => Error) {
  work.put({
    TableName: TABLE,
    Item: marshall({ pk: 'SESSION#s', sk: 'SESSION' }),
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  work.delete({ TableName: TABLE, Key: marshall({ pk: 'LOGIN#a', sk: 'SOURCE#b' }) });
  work.update(
    {
      TableName: TABLE,
      Key: marshall({ pk: 'EMAIL#a', sk: 'EMAIL' }),
      UpdateExpression: 'ADD sessionCount :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: marshall({ ':one': 1 }),
    },
    onConditionFailed,
  );
}

describe('DynamoDbUnitOfWork', () => {
  it('commits every write in one TransactWriteItems', async () => {
    const { db, sent } = client();
    const work = new DynamoDbUnitOfWork(db);
    fill(work);
    await work.commit();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(TransactWriteItemsCommand);
    const items = (sent[0] as TransactWriteItemsCommand).input.TransactItems ?? [];
    expect(items.map((item) => Object.keys(item)[0])).toEqual(['Put', 'Delete', 'Update']);
  });

  it('tries again when another transaction on the same items cancelled it', async () => {
    const conflict = () => {
      throw cancelled('None', 'None', 'TransactionConflict');
    };
    const { db, sent } = client(conflict, conflict);
    const work = new DynamoDbUnitOfWork(db);
    fill(work);
    await work.commit();
    expect(sent).toHaveLength(3);
  });

  it('raises the refusal of the write whose condition failed, with the item as stored', async () => {
    const { db } = client(() => {
      throw cancelled('None', 'None', 'ConditionalCheckFailed');
    });
    const work = new DynamoDbUnitOfWork(db);
    const stored: unknown[] = [];
    fill(work, (item) => {
      stored.push(item);
      return new Error('the account has gone');
    });
    await expect(work.commit()).rejects.toThrow('the account has gone');
    expect(stored).toEqual([{ pk: 'EMAIL#a', sessionCount: 3 }]);
  });

  it('commits once, and takes no writes after', async () => {
    const { db } = client();
    const work = new DynamoDbUnitOfWork(db);
    fill(work);
    await work.commit();
    await expect(work.commit()).rejects.toThrow(/once/);
    expect(() => fill(work)).toThrow(/committed/);
  });

  it('is what DynamoDB repositories accept, and nothing else', () => {
    const { db } = client();
    const work = new DynamoDbUnitOfWork(db);
    expect(dynamoDbUnitOfWork(work)).toBe(work);
    class Other extends UnitOfWork {
      commit(): Promise<void> {
        return Promise.resolve();
      }
    }
    expect(() => dynamoDbUnitOfWork(new Other())).toThrow(/another store/);
  });
});
