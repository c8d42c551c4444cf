/** Injection token for the table name, so repositories need not know about AppConfig. */
export const TABLE_NAME = Symbol('TABLE_NAME');

/**
 * True on DynamoDB Local: it can acknowledge a TransactWriteItems before the write is on disk
 * (killed right after, it lost some), while a strongly consistent read of the item before
 * answering made every one durable. Real DynamoDB is durable on answer and skips the read.
 */
export const CONFIRM_TRANSACTIONS = Symbol('CONFIRM_TRANSACTIONS');
