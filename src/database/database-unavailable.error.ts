/** DynamoDB could not be reached or is overloaded: the request may succeed later (503). */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}
