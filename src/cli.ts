import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { GrantType, OAuthClient } from './clients/client.js';
import { InvalidClientRegistrationError } from './clients/client-registration.js';
import { ClientRegistry, type NewClient } from './clients/client-registry.service.js';
import { ClientExistsError } from './clients/clients.repository.js';
import { ClientsModule } from './clients/clients.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { DatabaseUnavailableError } from './database/database-unavailable.error.js';
import { DatabaseModule } from './database/database.module.js';
import { JavaMissingError, type LocalDynamoDb } from './database/local-dynamodb.js';
import { prepareDatabase } from './database/prepare-database.js';

export const USAGE = `Manage OAuth clients.

Usage:
  npm run cli -- clients create --id <id> --grant <type> [--grant <type>] [options]
  npm run cli -- clients create --id <id> --confidential --introspection   (a resource server)
  npm run cli -- clients list [--json]
  npm run cli -- clients delete --id <id>

Options for create:
  --id <id>                    client_id: 1-128 of A-Z a-z 0-9 . _ ~ -
  --name <name>                display name (default: the id)
  --grant <type>               a grant type it may use: password, refresh_token,
                               client_credentials (needs --confidential) (repeatable)
  --scope <scope>              a scope it may be granted (repeatable)
  --confidential               give it a secret (printed once); otherwise it is public
  --introspection              it may call POST /oauth/introspect (needs --confidential; then
                               --grant may be left out)
  --access-token-ttl <s>       access token lifetime in seconds (default: ACCESS_TOKEN_TTL)
  --session-ttl <s>            session lifetime in seconds (default: SESSION_TTL)
  --refresh-reuse-grace <s>    0-60 seconds (default: REFRESH_REUSE_GRACE)

Database: the one the server uses, from the same environment (TABLE_NAME, AWS_REGION). With
DYNAMODB_ENDPOINT set it talks to that endpoint; otherwise it starts DynamoDB Local on the data
folder DATA_DIR (default .data). A running local server already uses that folder: stop it first,
or set DYNAMODB_ENDPOINT to the endpoint the server printed when it started.
Running servers cache clients for CLIENT_CACHE_SECONDS (default 60), so a change reaches them
within that time.`;

/** What the CLI touches outside itself, so tests can run it in-process. */
export interface CliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** A mistake in the command line: answered with the problem and a pointer to --help. */
class UsageError extends Error {}

type Command =
  | { readonly kind: 'create'; readonly input: NewClient }
  | { readonly kind: 'list'; readonly json: boolean }
  | { readonly kind: 'delete'; readonly id: string };

const OPTIONS = {
  id: { type: 'string' },
  name: { type: 'string' },
  grant: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  confidential: { type: 'boolean' },
  introspection: { type: 'boolean' },
  'access-token-ttl': { type: 'string' },
  'session-ttl': { type: 'string' },
  'refresh-reuse-grace': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number of seconds`);
  return Number(value);
}

/** Parses the command line; 'help' means "print the usage". Ranges are checked by the service. */
function parseCommand(argv: readonly string[]): Command | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('no command given');
  const [area, action, ...extra] = positionals;
  if (area !== 'clients' || extra.length > 0) {
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  }
  const only = (allowed: readonly string[]) => {
    const stray = Object.keys(values).find((key) => !allowed.includes(key));
    if (stray) throw new UsageError(`--${stray} does not apply to clients ${action}`);
  };
  switch (action) {
    case 'create': {
      only(Object.keys(OPTIONS).filter((key) => key !== 'json'));
      if (!values.id) throw new UsageError('clients create needs --id');
      if (values.introspection && !values.confidential) {
        throw new UsageError(
          '--introspection needs --confidential: a public client proves nothing',
        );
      }
      if (!values.grant?.length && !values.introspection) {
        throw new UsageError('clients create needs at least one --grant');
      }
      const accessTokenTtlSeconds = seconds('access-token-ttl', values['access-token-ttl']);
      const sessionTtlSeconds = seconds('session-ttl', values['session-ttl']);
      const refreshReuseGraceSeconds = seconds(
        'refresh-reuse-grace',
        values['refresh-reuse-grace'],
      );
      return {
        kind: 'create',
        input: {
          id: values.id,
          ...(values.name !== undefined && { name: values.name }),
          confidential: values.confidential ?? false,
          // Unknown grant types are refused by the service, with the list of known ones.
          grantTypes: (values.grant ?? []) as GrantType[],
          scopes: values.scope ?? [],
          ...(values.introspection && { introspection: true }),
          ...(accessTokenTtlSeconds !== undefined && { accessTokenTtlSeconds }),
          ...(sessionTtlSeconds !== undefined && { sessionTtlSeconds }),
          ...(refreshReuseGraceSeconds !== undefined && { refreshReuseGraceSeconds }),
        },
      };
    }
    case 'list':
      only(['json']);
      return { kind: 'list', json: values.json ?? false };
    case 'delete':
      only(['id']);
      if (!values.id) throw new UsageError('clients delete needs --id');
      return { kind: 'delete', id: values.id };
    default:
      throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  }
}

/** Just what the client registry needs: configuration, the DynamoDB client and the clients module. */
@Module({})
class CliModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, ClientsModule],
    };
  }
}

function describeClient(client: OAuthClient): string {
  const lifetimes = [
    client.accessTokenTtlSeconds !== undefined && `access token ${client.accessTokenTtlSeconds}s`,
    client.sessionTtlSeconds !== undefined && `session ${client.sessionTtlSeconds}s`,
    client.refreshReuseGraceSeconds !== undefined &&
      `reuse grace ${client.refreshReuseGraceSeconds}s`,
  ].filter(Boolean);
  return [
    `${client.id} (${client.type}) "${client.name}"`,
    `grants: ${client.grantTypes.join(', ') || '(none)'}`,
    `scopes: ${client.scopes.join(' ') || '(none)'}`,
    ...(client.introspection ? ['may introspect tokens'] : []),
    ...(lifetimes.length > 0 ? [`lifetimes: ${lifetimes.join(', ')}`] : []),
  ].join('; ');
}

async function execute(command: Command, clients: ClientRegistry, deps: CliDeps): Promise<number> {
  switch (command.kind) {
    case 'create': {
      const { client, secret } = await clients.create(command.input);
      deps.out(`Created ${describeClient(client)}`);
      if (secret !== undefined) {
        deps.out(`client_secret: ${secret}`);
        deps.err(
          'Store this client secret now: it is shown only this once, and the service keeps only a hash of it.',
        );
      }
      return 0;
    }
    case 'list': {
      const all = await clients.list();
      if (command.json) deps.out(JSON.stringify(all, null, 2));
      else if (all.length === 0) deps.out('No clients.');
      else for (const client of all) deps.out(describeClient(client));
      return 0;
    }
    case 'delete': {
      if (await clients.delete(command.id)) {
        deps.out(`Deleted client ${command.id}.`);
        return 0;
      }
      deps.err(`No client ${command.id}.`);
      return 1;
    }
  }
}

/**
 * Runs one CLI command and answers its exit code: 0 done, 1 refused or failed, 2 a usage mistake.
 * Uses DYNAMODB_ENDPOINT when set, otherwise DynamoDB Local on DATA_DIR, as the server does.
 */
export async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  let command: Command | 'help';
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    deps.err(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command === 'help') {
    deps.out(USAGE);
    return 0;
  }

  let local: LocalDynamoDb | undefined;
  let app: INestApplicationContext | undefined;
  try {
    let config = loadConfig(deps.env);
    // The CLI manages what is stored; declaring start-up clients is the server's job, and doing it
    // here would, say, re-create demo-app in the same command that deletes it.
    config = { ...config, clients: { ...config.clients, demoClient: false, bootstrap: [] } };
    // A fresh data folder has no table yet: it is created as the server does at start.
    ({ config, local } = await prepareDatabase(config));
    app = await NestFactory.createApplicationContext(CliModule.register(config), { logger: false });
    return await execute(command, app.get(ClientRegistry), deps);
  } catch (error) {
    if (
      error instanceof InvalidClientRegistrationError ||
      error instanceof ClientExistsError ||
      error instanceof ConfigError ||
      error instanceof JavaMissingError ||
      error instanceof DatabaseUnavailableError
    ) {
      deps.err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await app?.close();
    await local?.stop();
  }
}

/** True when this file is the program being run (`node dist/cli.js`), not an import (tests). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(realpathSync(script)).href;
}

if (isEntryPoint()) {
  run(process.argv.slice(2), {
    env: process.env,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
