import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Whether this machine can cut a process off the network (user and network namespaces). */
function canIsolateNetwork(): boolean {
  return spawnSync('unshare', ['-rn', 'true']).status === 0;
}

/**
 * `serverless package` (osls) in `cwd` into a fresh folder (its path is the result), with dummy
 * credentials and, where the machine allows, no network at all: what a CI agent without AWS
 * access runs. `args` are the command's other arguments (`--stage`, `--param=…`).
 */
export function packageOffline(
  cwd: string,
  args: readonly string[],
  folderPrefix: string,
): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), folderPrefix));
  const command = [
    join(root, 'node_modules/osls/bin/serverless.js'),
    'package',
    ...args,
    '--package',
    out,
  ];
  const [program, argv] = canIsolateNetwork()
    ? ['unshare', ['-rn', process.execPath, ...command]]
    : [process.execPath, command];
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // Should anything still try the network (no namespaces here), it fails at once.
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NODE_OPTIONS: '',
  };
  return new Promise((resolveOut, reject) => {
    const child = spawn(program, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolveOut(out)
        : reject(new Error(`serverless package ${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}
