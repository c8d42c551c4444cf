export default function globalTeardown() {
  globalThis.__dynamoDbLocal?.kill();
}
