import {
  DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type Delete,
  type Put,
  type TransactWriteItem,
  type Update,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Writes that several repositories contribute to one all-or-nothing commit: a sign-in's session,
 * the reset of its lockout pair and the user's session counter (one TransactWriteItems). Services
 * hold a unit of work as an opaque value and hand it to the repositories, which add their writes;
 * no SDK type reaches a service.
 */
export abstract class UnitOfWork {
  /** Applies every write or none; a refused condition raises the error its repository chose. */
  abstract commit(): Promise<void>;
}

/** Starts units of work; the abstract class is the injection token. */
export abstract class UnitOfWorkFactory {
  abstract begin(): UnitOfWork;
}

/**
 * What a refused condition means, in the words of the repository that added the write. It gets the
 * item as stored when the write asked for it (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`).
 */
export type OnConditionFailed = (stored: Record<string, unknown> | undefined) => Error;

/** DynamoDB's limit on the items of one transaction. */
const MAX_WRITES = 100;
/** Another transaction on one of the same items cancels ours; trying again settles it. */
const MAX_ATTEMPTS = 5;

export class DynamoDbUnitOfWork extends UnitOfWork {
  private readonly writes: TransactWriteItem[] = [];
  private readonly refusals: (OnConditionFailed | undefined)[] = [];
  private committed = false;

  constructor(private readonly db: DynamoDBClient) {
    super();
  }

  put(put: Put, onConditionFailed?: OnConditionFailed): void {
    this.add({ Put: { ...put } }, onConditionFailed);
  }

  update(update: Update, onConditionFailed?: OnConditionFailed): void {
    this.add({ Update: { ...update } }, onConditionFailed);
  }

  delete(remove: Delete, onConditionFailed?: OnConditionFailed): void {
    this.add({ Delete: { ...remove } }, onConditionFailed);
  }

  async commit(): Promise<void> {
    if (this.committed) throw new Error('a unit of work commits once');
    this.committed = true;
    if (this.writes.length === 0) return;
    const command = new TransactWriteItemsCommand({ TransactItems: this.writes });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(command);
        break;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const refused = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
        if (refused >= 0) {
          const item = reasons[refused].Item;
          const refusal = this.refusals[refused];
          throw refusal ? refusal(item ? unmarshall(item) : undefined) : error;
        }
        const conflict = reasons.some((reason) => reason.Code === 'TransactionConflict');
        if (!conflict || attempt === MAX_ATTEMPTS) throw error;
        await sleep(10 * attempt + Math.random() * 20);
      }
    }
  }

  private add(write: TransactWriteItem, onConditionFailed?: OnConditionFailed): void {
    if (this.committed) throw new Error('this unit of work has been committed');
    if (this.writes.length === MAX_WRITES) {
      throw new Error(`a transaction holds at most ${MAX_WRITES} writes`);
    }
    this.writes.push(write);
    this.refusals.push(onConditionFailed);
  }
}

/** The repositories' side: the DynamoDB unit of work a service handed them. */
export function dynamoDbUnitOfWork(work: UnitOfWork): DynamoDbUnitOfWork {
  if (!(work instanceof DynamoDbUnitOfWork)) {
    throw new Error('a DynamoDB repository was handed a unit of work of another store');
  }
  return work;
}

@Injectable()
export class DynamoDbUnitOfWorkFactory extends UnitOfWorkFactory {
  constructor(private readonly db: DynamoDBClient) {
    super();
  }

  begin(): DynamoDbUnitOfWork {
    return new DynamoDbUnitOfWork(this.db);
  }
}

/** For a module's providers: units of work committed as DynamoDB transactions. */
export const unitOfWorkProvider = {
  provide: UnitOfWorkFactory,
  useClass: DynamoDbUnitOfWorkFactory,
};
