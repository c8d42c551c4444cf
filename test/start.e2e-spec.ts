import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The local server as `npm start` runs it (dist/main.js), in a process of its own. */
describe('starting the local server', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], {
      stdio: 'ignore',
    });
  });

  function start(env: Record<string, string>) {
    return spawnSync(process.execPath, ['dist/main.js'], {
      env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'start-')), ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  it('says in one line that Java is missing, and the way out', () => {
    const result = start({ PATH: '/nonexistent' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Cannot start: DynamoDB Local needs Java 17+ and `java` was not found: install a Java runtime, or set DYNAMODB_ENDPOINT to a DynamoDB you run yourself.',
    );
  });

  it('refuses a bad setting with one line naming the variable', () => {
    const result = start({ PATH: process.env.PATH ?? '', PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Cannot start: PORT must be a whole number from 1 to 65535, got "eighty"',
    );
  });
});
