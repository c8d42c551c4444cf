/** Injection token for the table name, so repositories need not know about AppConfig. */
export const TABLE_NAME = Symbol('TABLE_NAME');
