/** Injection token for the table name, so repositories need not know about AppConfig. */
export const TABLE_NAME = Symbol('TABLE_NAME');

/**
 * Whether a repository must read its transaction's items back before answering, to make them
 * durable on DynamoDB Local. Always false now: the DynamoDB client does it for every transaction
 * on DynamoDB Local (createDynamoDbClient), so repositories need not; kept until they stop
 * asking for it.
 */
export const CONFIRM_TRANSACTIONS = Symbol('CONFIRM_TRANSACTIONS');
