import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIObject } from '@nestjs/swagger';
import { generateOpenApiDocument, serializeOpenApiDocument } from './generate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REDOCLY = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  ignored?: boolean;
  location: { pointer?: string }[];
}

/**
 * Redocly CLI on the document, with the project's redocly.yaml and ignore file beside it (the
 * ignore file names the document by its path relative to the config).
 */
function lint(document: OpenAPIObject): LintProblem[] {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), serializeOpenApiDocument(document));
    copyFileSync(join(ROOT, 'redocly.yaml'), join(dir, 'redocly.yaml'));
    copyFileSync(join(ROOT, '.redocly.lint-ignore.yaml'), join(dir, '.redocly.lint-ignore.yaml'));
    const env: NodeJS.ProcessEnv = { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is no business of the CLI's
    const run = spawnSync(process.execPath, [REDOCLY, 'lint', 'openapi.json', '--format=json'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    if (!run.stdout.trim()) throw new Error(`redocly lint printed nothing: ${run.stderr}`);
    return (JSON.parse(run.stdout) as { problems: LintProblem[] }).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describeProblem(problem: LintProblem): string {
  return `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`;
}

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;

function operation(
  document: OpenAPIObject,
  method: 'get' | 'post' | 'put' | 'delete',
  path: string,
): Operation {
  const found = document.paths[path]?.[method];
  if (!found) throw new Error(`no ${method.toUpperCase()} ${path} in the document`);
  return found;
}

function allOperations(document: OpenAPIObject): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (['get', 'put', 'post', 'delete', 'patch'] as const).flatMap((method) => {
      const found = item[method];
      return found ? [[`${method.toUpperCase()} ${path}`, found] as [string, Operation]] : [];
    }),
  );
}

describe('the OpenAPI document (openapi.json)', () => {
  let document: OpenAPIObject;
  let dataDir: string;
  let database: Server;
  let databaseConnections = 0;

  beforeAll(async () => {
    // Stands where DynamoDB would be: building the document must never connect to it.
    database = createServer((socket) => {
      databaseConnections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
    const { port } = database.address() as { port: number };
    dataDir = mkdtempSync(join(tmpdir(), 'openapi-data-'));
    document = await generateOpenApiDocument({
      dynamodbEndpoint: `http://127.0.0.1:${port}`,
      dataDir,
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => database.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is built without initialising the app: no DynamoDB request, no key or mail written', async () => {
    // Give any request started by a lifecycle hook time to connect.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(databaseConnections).toBe(0);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('is what is committed in openapi.json (if not: `npm run openapi`, then commit it)', () => {
    const committed = readFileSync(join(ROOT, 'openapi.json'), 'utf8');
    expect(committed).toBe(serializeOpenApiDocument(document));
  });

  it("passes Redocly CLI's recommended rules with no error (redocly.yaml)", () => {
    const problems = lint(document).filter((problem) => !problem.ignored);
    const errors = problems.filter((problem) => problem.severity === 'error');
    expect(errors.map(describeProblem)).toEqual([]);
  });

  it('gives every operation a summary and a camelCase operationId of its own', () => {
    const operations = allOperations(document);
    expect(operations.filter(([, op]) => !op.summary?.trim()).map(([name]) => name)).toEqual([]);
    // Set with @ApiOperation({ operationId }): client generators name their methods after it.
    const unnamed = operations.filter(([, op]) => !/^[a-z][A-Za-z]+$/.test(op.operationId ?? ''));
    expect(unnamed.map(([name, op]) => `${name}: ${op.operationId}`)).toEqual([]);
    const ids = operations.map(([, op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('opens @Public() routes (security: []) and leaves the rest behind the bearer token', () => {
    expect(document.security).toEqual([{ bearer: [] }, { oauth2: [] }]);
    expect(operation(document, 'get', '/health').security).toEqual([]);
    expect(operation(document, 'post', '/user').security).toEqual([]);
    expect(operation(document, 'post', '/session').security).toEqual([]);
    // Public, but naming their own schemes: client credentials, or the (maybe expired) bearer.
    expect(operation(document, 'post', '/oauth/token').security).toEqual([{ client: [] }, {}]);
    expect(operation(document, 'put', '/session').security).toEqual([{ bearer: [] }]);
    // Behind the guard: the document-wide requirement, or the route's own bearer schemes.
    expect(operation(document, 'get', '/user').security).not.toEqual([]);
    expect(operation(document, 'delete', '/session').security).toEqual([{ bearer: [] }]);
    const marks = JSON.stringify(document).match(/x-public-operation/g);
    expect(marks).toBeNull();
  });

  it('describes every error answer with the one error body', () => {
    expect(document.components?.schemas?.ErrorResponse).toMatchObject({
      required: ['error', 'error_description'],
      properties: { error: {}, error_description: {}, fields: {} },
    });
    const errorResponses = allOperations(document).flatMap(([name, op]) =>
      Object.entries(op.responses)
        .filter(([status]) => /^[45]/.test(status))
        .map(([status, response]) => ({ name: `${name} ${status}`, response })),
    );
    expect(errorResponses.length).toBeGreaterThan(10);
    for (const { name, response } of errorResponses) {
      expect({
        name,
        content: response && 'content' in response ? response.content : undefined,
      }).toEqual({
        name,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
      });
    }
  });
});
