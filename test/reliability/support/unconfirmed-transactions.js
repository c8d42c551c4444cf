// Test-only, never part of the service: `node --import` this into a server to take away the step
// that makes transactions durable on DynamoDB Local (the client middleware named below), so the
// crash test can show that it catches the loss that step prevents. The crash test loads it when
// RELIABILITY_UNCONFIRMED_TRANSACTIONS=1.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const send = DynamoDBClient.prototype.send;
DynamoDBClient.prototype.send = function sendUnconfirmed(...args) {
  this.middlewareStack.remove('confirmTransactionsLocally');
  return send.apply(this, args);
};
