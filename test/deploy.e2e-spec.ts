// CloudFormation templates are untyped JSON, read here as `any`; the assertions are the checks.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createDynamoDbClient } from '../src/database/dynamodb.client.js';
import { Environment } from '../src/config/environment.schema.js';
import { KEY_PREFIX, TABLE_SCHEMA } from '../src/database/table.schema.js';
import { ensureTable } from '../src/database/table.setup.js';
import { packageOffline } from './setup/serverless-package.js';
import { createTestApp } from './setup/test-app.js';

/**
 * serverless.yml, checked through what it produces: `serverless package` (osls) runs offline (no
 * network, dummy credentials) for dev and prod, and the CloudFormation templates must hold the
 * table of TABLE_SCHEMA, IAM for exactly the DynamoDB actions the service's code uses, both
 * functions with every route of the HTTP contract (an HTTP API for dev, a REST API for prod), CORS,
 * throttling per stage, prod's AWS WAF rate rules, secrets as SSM parameter names only, and a zip
 * of the prebuilt bundle only.
 */

const root = resolve(import.meta.dirname, '..');

// ---------------------------------------------------------------------------------------------
// What the source says.

/** Files that use DynamoDB for local runs and tests only; in AWS the table comes from here. */
const LOCAL_ONLY = ['src/database/local-dynamodb.ts', 'src/database/table.setup.ts'];

/**
 * Commands only the CLI sends (`clients list`, `clients delete`), which runs with the operator's
 * own AWS credentials: the functions' role does not get them. By file, as the repository that
 * holds them also serves the request path with its other commands.
 */
const CLI_ONLY: Readonly<Record<string, readonly string[]>> = {
  'src/clients/dynamodb-clients.repository.ts': ['dynamodb:DeleteItem', 'dynamodb:Scan'],
};

/** A transaction is authorised by the actions of its parts (DynamoDB developer guide). */
const TRANSACTION_PARTS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The DynamoDB actions in one file: its commands, its transactions' parts, its paginators. */
function dynamoDbActionsIn(path: string, text: string): Set<string> {
  const actions = new Set<string>();
  for (const [, command] of text.matchAll(/\bnew\s+(\w+)Command\s*\(/g)) {
    if (command === 'TransactWriteItems' || command === 'TransactGetItems') {
      const parts = [...text.matchAll(/\b(Put|Update|Delete|ConditionCheck|Get)\s*:\s*\{/g)];
      if (parts.length === 0) throw new Error(`${path}: cannot tell what its transaction does`);
      for (const [, part] of parts) actions.add(`dynamodb:${TRANSACTION_PARTS[part]}`);
    } else {
      actions.add(`dynamodb:${command}`);
    }
  }
  // The SDK's paginators (paginateScan, paginateQuery) send the command they are named after.
  for (const [, command] of text.matchAll(/\bpaginate(\w+)\s*\(/g)) {
    actions.add(`dynamodb:${command}`);
  }
  return actions;
}

/**
 * The IAM actions the service's code needs: every `new XxxCommand(` of @aws-sdk/client-dynamodb in
 * src/ (bar the local-only files) is `dynamodb:Xxx`, except transactions, which need the actions
 * of the parts they are made of (`Put: {` → PutItem, `ConditionCheck: {` → ConditionCheckItem);
 * CLI_ONLY's are left out, and must still be in their files (or the list is stale).
 */
function dynamoDbActionsInSource(): string[] {
  const actions = new Set<string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const path = relative(root, file);
    const text = readFileSync(file, 'utf8');
    if (LOCAL_ONLY.includes(path) || !text.includes('@aws-sdk/client-dynamodb')) continue;
    const used = dynamoDbActionsIn(path, text);
    for (const cliOnly of CLI_ONLY[path] ?? []) {
      if (!used.delete(cliOnly))
        throw new Error(`${path} no longer uses ${cliOnly}: update CLI_ONLY`);
    }
    for (const action of used) actions.add(action);
  }
  return [...actions].sort();
}

// ---------------------------------------------------------------------------------------------
// What `serverless package` makes.

interface Resource {
  Type: string;
  Properties: any;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
}
interface Template {
  Resources: Record<string, Resource>;
}

/**
 * `serverless package --stage <stage>` into a fresh folder, with dummy credentials, no network and
 * no extra parameters: exactly the command the README gives.
 */
function packageStage(stage: string): Promise<string> {
  return packageOffline(root, ['--stage', stage], `sls-${stage}-`);
}

function readTemplate(dir: string): Template {
  const file = join(dir, 'cloudformation-template-update-stack.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Template;
}

/** The names in a zip's central directory (enough of the format to list a package). */
function zipEntries(file: string): string[] {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const byType = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** A REST API resource's path: its path parts up to the API's root. */
function restPath(template: Template, resourceId: any): string {
  const parts: string[] = [];
  for (let ref = resourceId; ref?.Ref;) {
    const resource = template.Resources[ref.Ref as string];
    parts.unshift(resource.Properties.PathPart as string);
    ref = resource.Properties.ParentId;
  }
  return `/${parts.join('/')}`;
}

/** REST API methods, CORS preflights (mock integrations) aside. */
const restMethods = (template: Template, preflight = false): [string, Resource][] =>
  byType(template, 'AWS::ApiGateway::Method').filter(
    ([, method]) => (method.Properties.HttpMethod === 'OPTIONS') === preflight,
  );

/**
 * Route key (`POST /oauth/token`) → the function (logical id) its integration invokes: the routes
 * of an HTTP API, or the methods of a REST API.
 */
function routes(template: Template): Map<string, string> {
  const result = new Map<string, string>();
  for (const [, route] of byType(template, 'AWS::ApiGatewayV2::Route')) {
    const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
    const integration = template.Resources[integrationId];
    const functionId = integration.Properties.IntegrationUri['Fn::GetAtt'][0] as string;
    result.set(route.Properties.RouteKey as string, functionId);
  }
  for (const [, method] of restMethods(template)) {
    const uri = method.Properties.Integration.Uri['Fn::Join'][1] as any[];
    const functionId = uri.find((part) => part?.['Fn::GetAtt'])['Fn::GetAtt'][0] as string;
    const key = `${method.Properties.HttpMethod} ${restPath(template, method.Properties.ResourceId)}`;
    result.set(key, functionId);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The HTTP contract (docs: /work/shared/DESIGN.md): which function serves which route.

/** Routes that check a password (argon2id): the credentials function, tighter throttles. */
const CREDENTIALS_ROUTES = [
  'POST /oauth/token',
  'POST /session',
  'PUT /session',
  'POST /user',
  'PUT /user/password',
  'POST /user/password/reset/confirm',
  'DELETE /user',
];
/**
 * Routes of the account mails: no password hashing (the API function), but under the credentials
 * rate limits, in the app and at the edge (they take a mailed token, or send mail).
 */
const MAIL_ROUTES = [
  'POST /user/email/verify',
  'POST /user/email/verify/resend',
  'POST /user/password/reset',
];
const API_ROUTES = [
  'POST /oauth/revoke',
  'POST /oauth/introspect',
  'GET /.well-known/oauth-authorization-server',
  'GET /.well-known/openid-configuration',
  'GET /.well-known/jwks.json',
  'GET /user',
  'GET /user/sessions',
  'DELETE /user/sessions',
  'DELETE /user/sessions/{id}',
  'GET /session',
  'DELETE /session',
  'GET /health',
  'GET /docs',
  'GET /docs/{proxy+}',
  'GET /docs-json',
  // Not in the contract, but Nest's Swagger module serves it beside /docs-json.
  'GET /docs-yaml',
];

describe('serverless.yml, packaged offline by osls', () => {
  let dev: Template;
  let prod: Template;
  let devDir: string;
  let prodDir: string;

  beforeAll(async () => {
    // The package holds the prebuilt bundle, so there must be one.
    if (!existsSync(join(root, 'dist-lambda/lambda.mjs'))) {
      const build = spawnSync(process.execPath, ['scripts/build-lambda.js'], {
        cwd: root,
        encoding: 'utf8',
      });
      if (build.status !== 0) throw new Error(`build:lambda failed: ${build.stderr}`);
    }
    // One after the other: osls zips into the project's .serverless/ before moving the zip.
    devDir = await packageStage('dev');
    prodDir = await packageStage('prod');
    dev = readTemplate(devDir);
    prod = readTemplate(prodDir);
  }, 180_000);

  afterAll(() => {
    for (const dir of [devDir, prodDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('the DynamoDB table', () => {
    const table = (template: Template): Resource => {
      const tables = byType(template, 'AWS::DynamoDB::Table');
      expect(tables).toHaveLength(1);
      return tables[0][1];
    };

    it('has the keys, index and TTL of TABLE_SCHEMA', () => {
      const { partitionKey, sortKey, ttlAttribute, userSessionsIndex: gsi } = TABLE_SCHEMA;
      for (const template of [dev, prod]) {
        const { Properties: p } = table(template);
        expect(p.KeySchema).toEqual([
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ]);
        expect(p.AttributeDefinitions).toEqual(
          expect.arrayContaining(
            [partitionKey, sortKey, gsi.partitionKey, gsi.sortKey].map((name) => ({
              AttributeName: name,
              AttributeType: 'S',
            })),
          ),
        );
        expect(p.AttributeDefinitions).toHaveLength(4);
        expect(p.GlobalSecondaryIndexes).toEqual([
          {
            IndexName: gsi.name,
            KeySchema: [
              { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
              { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ]);
        expect(p.TimeToLiveSpecification).toEqual({ AttributeName: ttlAttribute, Enabled: true });
        expect(p.BillingMode).toBe('PAY_PER_REQUEST');
        expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(p.SSESpecification).toEqual({ SSEEnabled: true });
      }
    });

    it('is the table ensureTable makes for local runs and tests', async () => {
      const endpoint = process.env.DYNAMODB_ENDPOINT;
      if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run through jest');
      const client = createDynamoDbClient({ region: 'us-east-1', endpoint });
      const TableName = `test-deploy-${randomUUID()}`;
      try {
        await ensureTable(client, TableName);
        const { Table } = await client.send(new DescribeTableCommand({ TableName }));
        const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName }));
        const { Properties: p } = table(dev);
        expect(Table?.KeySchema).toEqual(p.KeySchema);
        expect(Table?.AttributeDefinitions).toEqual(expect.arrayContaining(p.AttributeDefinitions));
        expect(
          Table?.GlobalSecondaryIndexes?.map(({ IndexName, KeySchema, Projection }) => ({
            IndexName,
            KeySchema,
            Projection,
          })),
        ).toEqual(p.GlobalSecondaryIndexes);
        expect(ttl.TimeToLiveDescription?.AttributeName).toBe(
          p.TimeToLiveSpecification.AttributeName,
        );
      } finally {
        client.destroy();
      }
    });

    it('survives a stack removal in prod only, where it is also protected from deletion', () => {
      expect(table(prod).DeletionPolicy).toBe('Retain');
      expect(table(prod).Properties.DeletionProtectionEnabled).toBe(true);
      expect(table(dev).DeletionPolicy).toBe('Delete');
    });
  });

  describe('IAM', () => {
    const statements = (template: Template): any[] =>
      byType(template, 'AWS::IAM::Role').flatMap(([, role]) =>
        (role.Properties.Policies as any[]).flatMap((policy) => policy.PolicyDocument.Statement),
      );

    it('grants exactly the DynamoDB actions the code in src/ uses', () => {
      const used = dynamoDbActionsInSource();
      expect(used).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
      for (const template of [dev, prod]) {
        const granted = statements(template)
          .flatMap((statement) => [statement.Action].flat() as string[])
          .filter((action) => action.startsWith('dynamodb:'))
          .sort();
        // A difference names the actions to add to or remove from serverless.yml.
        expect(granted).toEqual(used);
        // The CLI's listing of every item stays with the operator's credentials.
        expect(granted).not.toContain('dynamodb:Scan');
      }
    });

    it("lets the functions delete accounts', sessions' and sign-in records' items, never a client", () => {
      const deletable = (patterns: string[], key: string) =>
        patterns.some((pattern) => key.startsWith(pattern.replace(/\*$/, '')));
      for (const template of [dev, prod]) {
        const deleting = statements(template).filter((statement) =>
          ([statement.Action].flat() as string[]).includes('dynamodb:DeleteItem'),
        );
        expect(deleting).not.toHaveLength(0);
        for (const statement of deleting) {
          const patterns = statement.Condition?.['ForAllValues:StringLike']?.[
            'dynamodb:LeadingKeys'
          ] as string[];
          expect(patterns.every((pattern) => /^[A-Z]+#\*$/.test(pattern))).toBe(true);
          expect(deletable(patterns, `${KEY_PREFIX.client}demo-app`)).toBe(false);
          for (const prefix of [KEY_PREFIX.user, KEY_PREFIX.email, KEY_PREFIX.session]) {
            expect(deletable(patterns, `${prefix}x`)).toBe(true);
          }
          expect(deletable(patterns, `${KEY_PREFIX.login}x`)).toBe(true);
        }
      }
    });

    /** A CloudFormation Fn::Join of strings and pseudo parameters, as a string. */
    const joined = (value: any): string =>
      (value['Fn::Join'][1] as any[])
        .map((part) => (typeof part === 'string' ? part : `\${${part.Ref as string}}`))
        .join(value['Fn::Join'][0] as string);

    it('lets the functions read exactly their two SSM parameters, by name, and nothing else of SSM or KMS', () => {
      for (const [stage, template] of [
        ['dev', dev],
        ['prod', prod],
      ] as const) {
        const ssm = statements(template).filter((s) =>
          [s.Action].flat().some((action: string) => /^(ssm|kms):/.test(action)),
        );
        expect(ssm).toHaveLength(1);
        expect(ssm[0].Effect).toBe('Allow');
        expect([ssm[0].Action].flat()).toEqual(['ssm:GetParameters']);
        const env = template.Resources.ApiLambdaFunction.Properties.Environment.Variables;
        const arn = (name: string) =>
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`;
        expect([ssm[0].Resource].flat().map(joined).sort()).toEqual(
          [arn(env.BOOTSTRAP_CLIENTS_PARAMETER), arn(env.JWT_SIGNING_KEYS_PARAMETER)].sort(),
        );
        expect(env.JWT_SIGNING_KEYS_PARAMETER).toMatch(new RegExp(`^/session-service/${stage}/`));
      }
    });

    it('grants them on the table and its index only, and nothing on *', () => {
      for (const template of [dev, prod]) {
        const dynamo = statements(template).filter((s) =>
          [s.Action].flat().some((action: string) => action.startsWith('dynamodb:')),
        );
        const table = { 'Fn::GetAtt': ['SessionTable', 'Arn'] };
        const index = {
          'Fn::Join': ['/', [table, 'index', TABLE_SCHEMA.userSessionsIndex.name]],
        };
        expect(dynamo).toHaveLength(2);
        for (const statement of dynamo) {
          // Deleting is on the table's items only (an index has none to delete).
          const deletes = [statement.Action].flat().includes('dynamodb:DeleteItem');
          expect(statement.Resource).toEqual(deletes ? [table] : [table, index]);
        }
        for (const statement of statements(template)) {
          expect([statement.Action].flat()).not.toContain('*');
          expect([statement.Resource].flat()).not.toContain('*');
        }
      }
    });
  });

  describe('functions and routes', () => {
    const fn = (template: Template, id: string) => template.Resources[id].Properties;

    it('has two functions from the one prebuilt bundle, on Node 22', () => {
      const functions = byType(dev, 'AWS::Lambda::Function').map(([id]) => id);
      expect(functions.sort()).toEqual(['ApiLambdaFunction', 'CredentialsLambdaFunction']);
      for (const id of functions) {
        expect(fn(dev, id).Handler).toBe('dist-lambda/lambda.handler');
        expect(fn(dev, id).Runtime).toBe('nodejs22.x');
        expect(fn(dev, id).Code).toEqual(fn(dev, functions[0]).Code);
      }
      // argon2 is CPU bound and Lambda's CPU grows with memory.
      expect(fn(dev, 'CredentialsLambdaFunction').MemorySize).toBeGreaterThanOrEqual(1024);
      expect(fn(dev, 'CredentialsLambdaFunction').MemorySize).toBeGreaterThan(
        fn(dev, 'ApiLambdaFunction').MemorySize,
      );
    });

    it('is built for the architecture of the argon2 binary in dist-lambda/', () => {
      const build = JSON.parse(readFileSync(join(root, 'dist-lambda/build.json'), 'utf8'));
      for (const [, resource] of byType(dev, 'AWS::Lambda::Function')) {
        expect(resource.Properties.Architectures).toEqual([build.architecture]);
      }
    });

    it('configures the functions as production, with the names of their SSM SecureString parameters', () => {
      for (const [stage, template] of [
        ['dev', dev],
        ['prod', prod],
      ] as const) {
        const env = fn(template, 'CredentialsLambdaFunction').Environment.Variables;
        expect(env).toEqual(expect.objectContaining({ NODE_ENV: 'production' }));
        expect(env.TABLE_NAME).toEqual({ Ref: 'SessionTable' });
        expect(env.ISSUER).toEqual(expect.anything());
        // Names, read and decrypted by the functions at start (src/config/aws-parameters.ts).
        expect(env.JWT_SIGNING_KEYS_PARAMETER).toBe(`/session-service/${stage}/jwt-signing-keys`);
        expect(env.BOOTSTRAP_CLIENTS_PARAMETER).toBe(`/session-service/${stage}/bootstrap-clients`);
        expect(env).not.toHaveProperty('JWT_SIGNING_KEYS');
        expect(env).not.toHaveProperty('BOOTSTRAP_CLIENTS');
        expect(fn(template, 'ApiLambdaFunction').Environment).toEqual(
          fn(template, 'CredentialsLambdaFunction').Environment,
        );
      }
    });

    it('puts no key material in any Lambda environment, nor anything CloudFormation would resolve into one', () => {
      for (const template of [dev, prod]) {
        const functions = byType(template, 'AWS::Lambda::Function');
        expect(functions.length).toBeGreaterThanOrEqual(2);
        for (const [, resource] of functions) {
          const text = JSON.stringify(resource.Properties.Environment ?? {});
          // Dynamic references put the value itself into the function's configuration.
          expect(text).not.toMatch(/\{\{resolve:/);
          // A private JWK (its "d"), a PEM key, a client secret.
          expect(text).not.toMatch(/\\"d\\"|"d":|PRIVATE KEY|client_secret|"keys"/);
          for (const value of Object.values<unknown>(resource.Properties.Environment.Variables)) {
            if (typeof value === 'string') expect(value.length).toBeLessThan(200);
          }
        }
      }
    });

    it('routes every path of the HTTP contract to its function, and nothing else', () => {
      const expected = new Map([
        ...CREDENTIALS_ROUTES.map((key) => [key, 'CredentialsLambdaFunction'] as const),
        ...[...API_ROUTES, ...MAIL_ROUTES].map((key) => [key, 'ApiLambdaFunction'] as const),
      ]);
      expect(Object.fromEntries(routes(dev))).toEqual(Object.fromEntries(expected));
      expect(Object.fromEntries(routes(prod))).toEqual(Object.fromEntries(expected));
    });

    it('has an API route for every route the Nest app serves', async () => {
      const t = await createTestApp();
      try {
        const instance = t.app.getHttpAdapter().getInstance() as {
          router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
        };
        // Wildcard paths are middleware applied to every route (request logging), not routes.
        const served = instance.router.stack.flatMap((layer) =>
          layer.route && !layer.route.path.includes('*')
            ? Object.keys(layer.route.methods)
                .filter((method) => method !== '_all')
                .map((method) => `${method.toUpperCase()} ${layer.route!.path}`)
            : [],
        );
        expect(served).toEqual(expect.arrayContaining(['GET /health', 'POST /user']));
        const keys = [...routes(dev).keys()];
        const patterns = keys.map(
          (key) =>
            new RegExp(
              `^${key
                .replace(/[.]/g, '\\.')
                .replace(/\{proxy\+\}/g, '.+')
                .replace(/\{[^}]+\}/g, '[^/]+')}$`,
            ),
        );
        // Path parameters become sample values; `/docs/` is `/docs` to API Gateway.
        const unrouted = served.filter((route) => {
          const sample = route.replace(/:(\w+)/g, 'param-$1').replace(/(.)\/$/, '$1');
          return !patterns.some((pattern) => pattern.test(sample));
        });
        expect(unrouted).toEqual([]);
      } finally {
        await t.close();
      }
    });
  });

  describe('API Gateway', () => {
    const appOrigins = (template: Template): string[] =>
      (
        template.Resources.CredentialsLambdaFunction.Properties.Environment.Variables
          .CORS_ORIGINS as { 'Fn::Join': [string, string[]] }
      )['Fn::Join'][1];

    it('is an HTTP API for dev, a regional REST API for prod (for AWS WAF)', () => {
      expect(byType(dev, 'AWS::ApiGatewayV2::Api')).toHaveLength(1);
      expect(byType(dev, 'AWS::ApiGateway::RestApi')).toHaveLength(0);
      expect(byType(prod, 'AWS::ApiGatewayV2::Api')).toHaveLength(0);
      const [[, restApi]] = byType(prod, 'AWS::ApiGateway::RestApi');
      expect(restApi.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    });

    it('allows configured origins only: never * in prod', () => {
      const origins: string[] = dev.Resources.HttpApi.Properties.CorsConfiguration.AllowOrigins;
      expect(origins.length).toBeGreaterThan(0);
      expect(appOrigins(dev)).toEqual(origins);
      // prod: API Gateway answers preflights itself (mock integrations), with prod's origins.
      expect(appOrigins(prod).length).toBeGreaterThan(0);
      for (const origin of appOrigins(prod)) expect(origin).toMatch(/^https:\/\/[^*]+$/);
      const preflights = restMethods(prod, true);
      expect(preflights.length).toBeGreaterThanOrEqual(CREDENTIALS_ROUTES.length);
      for (const [, preflight] of preflights) {
        const [response] = preflight.Properties.Integration.IntegrationResponses as any[];
        const allowed = response.ResponseParameters[
          'method.response.header.Access-Control-Allow-Origin'
        ] as string;
        expect(appOrigins(prod).map((origin) => `'${origin}'`)).toContain(allowed);
        expect(JSON.stringify(response)).not.toContain('*');
      }
    });

    it('throttles the routes that take a password harder than the rest (HTTP API)', () => {
      const stage = dev.Resources.HttpApiStage;
      const { DefaultRouteSettings, RouteSettings } = stage.Properties;
      expect(DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
      expect(Object.keys(RouteSettings).sort()).toEqual([...CREDENTIALS_ROUTES].sort());
      for (const settings of Object.values<any>(RouteSettings)) {
        expect(settings.ThrottlingRateLimit).toBeLessThan(DefaultRouteSettings.ThrottlingRateLimit);
        expect(settings.ThrottlingBurstLimit).toBeGreaterThan(0);
      }
      // Route settings fail to deploy if the stage is created before its routes.
      const routeIds = byType(dev, 'AWS::ApiGatewayV2::Route')
        .filter(([, route]) => CREDENTIALS_ROUTES.includes(route.Properties.RouteKey))
        .map(([id]) => id);
      expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
    });

    it('keeps every log group for a set number of days', () => {
      for (const template of [dev, prod]) {
        const groups = byType(template, 'AWS::Logs::LogGroup');
        expect(groups.length).toBeGreaterThanOrEqual(3);
        for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
      }
    });
  });

  describe('the prod edge: AWS WAF rate-based rules on the REST API', () => {
    const APP_DEFAULTS = new Environment();
    const webAcl = () => {
      const acls = byType(prod, 'AWS::WAFv2::WebACL');
      expect(acls).toHaveLength(1);
      return acls[0][1].Properties;
    };
    const rule = (name: string) => {
      const found = (webAcl().Rules as any[]).find((candidate) => candidate.Name === name);
      if (!found) throw new Error(`no WAF rule ${name}`);
      return found;
    };

    /** What a WAF statement says of a request: the parts of the statement language used here. */
    function matches(statement: any, request: { method: string; path: string }): boolean {
      if (statement.AndStatement) {
        return (statement.AndStatement.Statements as any[]).every((s) => matches(s, request));
      }
      if (statement.OrStatement) {
        return (statement.OrStatement.Statements as any[]).some((s) => matches(s, request));
      }
      if (statement.NotStatement) return !matches(statement.NotStatement.Statement, request);
      const byteMatch = statement.ByteMatchStatement;
      if (!byteMatch) throw new Error(`unknown statement ${JSON.stringify(statement)}`);
      expect(byteMatch.TextTransformations).toEqual([{ Priority: 0, Type: 'NONE' }]);
      const field = byteMatch.FieldToMatch.Method ? request.method : request.path;
      const wanted = byteMatch.SearchString as string;
      switch (byteMatch.PositionalConstraint) {
        case 'EXACTLY':
          return field === wanted;
        case 'ENDS_WITH':
          return field.endsWith(wanted);
        case 'STARTS_WITH':
          return field.startsWith(wanted);
        default:
          throw new Error(`unknown constraint ${byteMatch.PositionalConstraint}`);
      }
    }

    /** Every route, as WAF sees it: under the stage path, or at the root (a custom domain). */
    const requests = (keys: readonly string[]) =>
      keys.flatMap((key) => {
        const [method, path] = key.split(' ');
        const concrete = path
          .replace('{id}', '3b241101-e2bb-4255-8caf-4136c566a962')
          .replace('{proxy+}', 'swagger-ui.css');
        return [
          { method, path: concrete },
          { method, path: `/prod${concrete}` },
        ];
      });

    it('is a regional web ACL on the REST API stage prod, made after the stage', () => {
      expect(webAcl().Scope).toBe('REGIONAL');
      expect(webAcl().DefaultAction).toEqual({ Allow: {} });
      const associations = byType(prod, 'AWS::WAFv2::WebACLAssociation');
      expect(associations).toHaveLength(1);
      const [[, association]] = associations;
      expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': ['EdgeWebAcl', 'Arn'] });
      const arn = association.Properties.ResourceArn['Fn::Join'][1] as any[];
      expect(arn).toEqual(
        expect.arrayContaining([{ Ref: 'ApiGatewayRestApi' }, '/stages/prod', '::/restapis/']),
      );
      // The stage exists once this deployment does: the association must wait for it.
      const [[deploymentId]] = byType(prod, 'AWS::ApiGateway::Deployment');
      expect([association.DependsOn].flat()).toContain(deploymentId);
      // dev and test have no WAF (HTTP APIs; the app's own limits).
      expect(byType(dev, 'AWS::WAFv2::WebACL')).toHaveLength(0);
    });

    it('limits each source address on the credentials routes, as the app does by default', () => {
      const { RateBasedStatement: rate } = rule('credentials-per-address').Statement;
      expect(rate.AggregateKeyType).toBe('IP');
      expect(rate.EvaluationWindowSec).toBe(60);
      expect(rate.Limit).toBe(APP_DEFAULTS.RATE_LIMIT_CREDENTIALS_PER_MINUTE);
      for (const request of requests([...CREDENTIALS_ROUTES, ...MAIL_ROUTES])) {
        expect([request, matches(rate.ScopeDownStatement, request)]).toEqual([request, true]);
      }
      for (const request of requests(API_ROUTES)) {
        expect([request, matches(rate.ScopeDownStatement, request)]).toEqual([request, false]);
      }
    });

    it('limits each source address on every route, as the app does by default', () => {
      const { RateBasedStatement: rate } = rule('all-routes-per-address').Statement;
      expect(rate.AggregateKeyType).toBe('IP');
      expect(rate.EvaluationWindowSec).toBe(60);
      expect(rate.Limit).toBe(APP_DEFAULTS.RATE_LIMIT_PER_MINUTE);
      expect(rate.ScopeDownStatement).toBeUndefined();
    });

    it('caps the stage as a whole, tighter on the credentials routes (for the HTTP API throttles)', () => {
      const credentials = rule('credentials-stage-wide').Statement.RateBasedStatement;
      const all = rule('all-routes-stage-wide').Statement.RateBasedStatement;
      expect(credentials.AggregateKeyType).toBe('CONSTANT');
      expect(all.AggregateKeyType).toBe('CONSTANT');
      expect(credentials.Limit).toBeLessThan(all.Limit);
      expect(credentials.Limit).toBeGreaterThan(APP_DEFAULTS.RATE_LIMIT_CREDENTIALS_PER_MINUTE);
      expect(credentials.ScopeDownStatement).toEqual(
        rule('credentials-per-address').Statement.RateBasedStatement.ScopeDownStatement,
      );
      for (const request of requests([...CREDENTIALS_ROUTES, ...MAIL_ROUTES, ...API_ROUTES])) {
        expect(matches(all.ScopeDownStatement, request)).toBe(true);
      }
    });

    it('answers over a limit as the app does: 429, Retry-After, an OAuth-style JSON body', () => {
      const bodies = webAcl().CustomResponseBodies;
      for (const candidate of webAcl().Rules as any[]) {
        const response = candidate.Action.Block.CustomResponse;
        expect(response.ResponseCode).toBe(429);
        expect(response.ResponseHeaders).toEqual([{ Name: 'Retry-After', Value: '60' }]);
        const body = bodies[response.CustomResponseBodyKey];
        expect(body.ContentType).toBe('APPLICATION_JSON');
        expect(JSON.parse(body.Content as string)).toEqual({
          error: 'too_many_requests',
          error_description: expect.any(String),
        });
        expect(candidate.VisibilityConfig.CloudWatchMetricsEnabled).toBe(true);
      }
      // Priorities are unique, or CloudFormation refuses the web ACL.
      const priorities = (webAcl().Rules as any[]).map((candidate) => candidate.Priority);
      expect(new Set(priorities).size).toBe(priorities.length);
    });
  });

  it('packages the prebuilt bundle and nothing else', () => {
    const entries = zipEntries(join(devDir, 'session-service.zip'));
    expect(entries.every((name) => name.startsWith('dist-lambda/'))).toBe(true);
    expect(entries).toEqual(
      expect.arrayContaining([
        'dist-lambda/lambda.mjs',
        'dist-lambda/swagger-ui/swagger-ui-bundle.js',
        expect.stringMatching(
          /^dist-lambda\/node_modules\/@node-rs\/argon2-linux-[^/]+\/.+\.node$/,
        ),
      ]),
    );
  });
});
