import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from './config-error.js';
import { prefetchAwsParameters, withAwsParameters } from './aws-parameters.js';

const KEYS = '{"keys":[{"kty":"EC","crv":"P-256","d":"secret-d","x":"x","y":"y","kid":"k1"}]}';
const CLIENTS = '[{"client_id":"app","client_secret":"secret-secret-secret-secret-secret"}]';

interface SentRequest {
  readonly target: string | undefined;
  readonly body: { Names: string[]; WithDecryption: boolean };
}

/**
 * A real SSMClient whose transport is replaced by a middleware: it records each HTTP request as
 * the SDK serialised and signed it, and answers with `answer` as SSM would (JSON 1.1), which the
 * SDK's own deserializer then parses. No network, no credentials lookup.
 */
function stubbedSsm(answer: (names: string[]) => { status?: number; body: object }) {
  const sent: SentRequest[] = [];
  const client = new SSMClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    () => (args) => {
      const request = args.request as { headers: Record<string, string>; body: string };
      const body = JSON.parse(request.body) as SentRequest['body'];
      sent.push({ target: request.headers['x-amz-target'], body });
      const { status = 200, body: reply } = answer(body.Names);
      return Promise.resolve({
        response: {
          statusCode: status,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: new TextEncoder().encode(JSON.stringify(reply)),
        },
        output: undefined as never,
      });
    },
    // Innermost, where the HTTP handler would send the request: after signing, before parsing.
    { step: 'deserialize', priority: 'low', name: 'stubbedSsmTransport' },
  );
  return { client, sent };
}

const parameter = (Name: string, Value: string, Type = 'SecureString') => ({ Name, Type, Value });

describe('withAwsParameters', () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    JWT_SIGNING_KEYS_PARAMETER: '/session-service/prod/jwt-signing-keys',
    BOOTSTRAP_CLIENTS_PARAMETER: '/session-service/prod/bootstrap-clients',
  };

  it('reads both SecureStrings in one decrypted GetParameters and puts their values in place', async () => {
    const { client, sent } = stubbedSsm((names) => ({
      body: {
        Parameters: names.map((name) =>
          parameter(name, name.endsWith('jwt-signing-keys') ? KEYS : CLIENTS),
        ),
        InvalidParameters: [],
      },
    }));
    const resolved = await withAwsParameters(env, { client });
    expect(sent).toEqual([
      {
        target: 'AmazonSSM.GetParameters',
        body: {
          Names: [
            '/session-service/prod/jwt-signing-keys',
            '/session-service/prod/bootstrap-clients',
          ],
          WithDecryption: true,
        },
      },
    ]);
    expect(resolved).toEqual({ ...env, JWT_SIGNING_KEYS: KEYS, BOOTSTRAP_CLIENTS: CLIENTS });
  });

  it('reads only what is named', async () => {
    const { client, sent } = stubbedSsm((names) => ({
      body: { Parameters: names.map((name) => parameter(name, KEYS)) },
    }));
    const resolved = await withAwsParameters(
      { JWT_SIGNING_KEYS_PARAMETER: '/s/dev/keys', BOOTSTRAP_CLIENTS: '[]' },
      { client },
    );
    expect(sent.map((request) => request.body.Names)).toEqual([['/s/dev/keys']]);
    expect(resolved).toMatchObject({ JWT_SIGNING_KEYS: KEYS, BOOTSTRAP_CLIENTS: '[]' });
  });

  it('sends nothing when no parameter is named (local runs): the environment as it is', async () => {
    const { client, sent } = stubbedSsm(() => ({ body: {} }));
    const local = { JWT_SIGNING_KEYS: KEYS, PORT: '3000', BOOTSTRAP_CLIENTS_PARAMETER: '  ' };
    await expect(withAwsParameters(local, { client })).resolves.toBe(local);
    expect(sent).toEqual([]);
  });

  it.each([
    [
      'a parameter that does not exist (or may not be read)',
      () => ({
        body: { Parameters: [], InvalidParameters: ['/session-service/prod/jwt-signing-keys'] },
      }),
      'SSM has no parameter for JWT_SIGNING_KEYS_PARAMETER (/session-service/prod/jwt-signing-keys), or this role may not read it',
    ],
    [
      'a plain String parameter (the secret unencrypted in Parameter Store)',
      (names: string[]) => ({
        body: { Parameters: names.map((name) => parameter(name, KEYS, 'String')) },
      }),
      'JWT_SIGNING_KEYS_PARAMETER (/session-service/prod/jwt-signing-keys) must be a SecureString parameter, not String',
    ],
  ])('refuses %s with a ConfigError that quotes no value', async (_case, answer, message) => {
    const { client } = stubbedSsm(answer);
    const error = await withAwsParameters(env, { client }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toMatch(/secret/);
  });

  it('passes on what SSM refuses (access denied): the next attempt may succeed', async () => {
    const { client } = stubbedSsm(() => ({
      status: 400,
      body: {
        __type: 'AccessDeniedException',
        message: 'not authorized to perform ssm:GetParameters',
      },
    }));
    await expect(withAwsParameters(env, { client })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it.each([
    [
      'a value and a parameter for the same setting',
      { JWT_SIGNING_KEYS: KEYS, JWT_SIGNING_KEYS_PARAMETER: '/s/keys' },
      'set JWT_SIGNING_KEYS or JWT_SIGNING_KEYS_PARAMETER, not both',
    ],
    [
      'a parameter name that is not a path',
      { BOOTSTRAP_CLIENTS_PARAMETER: 'arn:aws:ssm:eu-west-1:1:parameter/x' },
      'BOOTSTRAP_CLIENTS_PARAMETER must be an SSM parameter path such as /service/stage/name',
    ],
  ])('refuses %s before asking SSM', async (_case, bad, message) => {
    const { client, sent } = stubbedSsm(() => ({ body: {} }));
    await expect(withAwsParameters(bad, { client })).rejects.toThrow(new ConfigError(message));
    expect(sent).toEqual([]);
  });
});

describe('prefetchAwsParameters', () => {
  const env = { JWT_SIGNING_KEYS_PARAMETER: '/s/prod/keys' };

  it('reads once, at once, and gives every later caller the same result', async () => {
    const { client, sent } = stubbedSsm((names) => ({
      body: { Parameters: names.map((name) => parameter(name, KEYS)) },
    }));
    const environment = prefetchAwsParameters(env, { client });
    const [first, second] = await Promise.all([environment(), environment()]);
    expect(await environment()).toBe(first);
    expect(second).toBe(first);
    expect(first.JWT_SIGNING_KEYS).toBe(KEYS);
    expect(sent).toHaveLength(1);
  });

  it('forgets a failed read, so the next event tries again', async () => {
    let calls = 0;
    const { client, sent } = stubbedSsm((names) => {
      calls += 1;
      return calls === 1
        ? { status: 500, body: { __type: 'InternalServerError', message: 'try later' } }
        : { body: { Parameters: names.map((name) => parameter(name, KEYS)) } };
    });
    const environment = prefetchAwsParameters(env, { client });
    await expect(environment()).rejects.toMatchObject({ name: 'InternalServerError' });
    await expect(environment()).resolves.toMatchObject({ JWT_SIGNING_KEYS: KEYS });
    expect(sent).toHaveLength(2);
  });
});
