import { run, USAGE, type CliDeps } from './cli.js';

/** Runs the CLI capturing its output. None of these reach a database: they stop at the arguments. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    // An endpoint nothing listens on: should a case wrongly get past argument parsing, it fails.
    env: { NODE_ENV: 'test', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  const code = await run(argv, deps);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cli run: the command line', () => {
  it.each([[['--help']], [['-h']], [['clients', '--help']]])(
    'prints the usage for %j',
    async (argv) => {
      await expect(cli(...argv)).resolves.toEqual({ code: 0, out: USAGE, err: '' });
    },
  );

  it.each([
    [[], 'no command given'],
    [['users', 'list'], 'unknown command: users list'],
    [['clients'], 'unknown command: clients'],
    [['clients', 'rename'], 'unknown command: clients rename'],
    [['clients', 'list', 'extra'], 'unknown command: clients list extra'],
    [['clients', 'create', '--grant', 'password'], 'clients create needs --id'],
    [['clients', 'create', '--id', 'a'], 'clients create needs at least one --grant'],
    [
      ['clients', 'create', '--id', 'a', '--confidential'],
      'clients create needs at least one --grant',
    ],
    [
      ['clients', 'create', '--id', 'a', '--introspection'],
      '--introspection needs --confidential: a public client proves nothing',
    ],
    [['clients', 'list', '--introspection'], '--introspection does not apply to clients list'],
    [
      ['clients', 'create', '--id', 'a', '--grant', 'password', '--json'],
      '--json does not apply to clients create',
    ],
    [
      ['clients', 'create', '--id', 'a', '--grant', 'password', '--session-ttl', '1h'],
      '--session-ttl must be a whole number of seconds',
    ],
    [['clients', 'list', '--id', 'a'], '--id does not apply to clients list'],
    [['clients', 'delete'], 'clients delete needs --id'],
    [
      ['clients', 'delete', '--id', 'a', '--confidential'],
      '--confidential does not apply to clients delete',
    ],
    [['clients', 'list', '--verbose'], "Unknown option '--verbose'"],
    [['clients', 'delete', '--id'], "Option '--id <value>' argument missing"],
  ])('refuses %j with exit code 2: %s', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain(message);
    expect(result.err).toContain(USAGE);
  });
});
