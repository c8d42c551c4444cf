// Plain JS: jest loads global setup outside its transform. The reliability tests run the server
// as `npm start` does, from dist/ (node dist/main.js, node dist/cli.js): build it once.
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], {
    stdio: 'inherit',
  });
}
