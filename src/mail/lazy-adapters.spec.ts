import { build, type Metafile } from 'esbuild';
import { resolve } from 'node:path';

/**
 * nodemailer and the SES client are loaded on the first mail only (`await import(...)`), so that
 * neither a cold start nor a bundle's start-up parses them unless mail is sent. Checked on what
 * esbuild makes of the module with code splitting (the way the Lambda bundle can keep them out
 * of its start-up file): nothing the entry loads at start may hold them, and they must still be
 * reachable, in chunks of their own.
 */
describe('the mail module, bundled', () => {
  const root = resolve(import.meta.dirname, '../..');
  let metafile: Metafile;

  beforeAll(async () => {
    ({ metafile } = await build({
      absWorkingDir: root,
      entryPoints: ['src/mail/mail.module.ts'],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      outdir: 'out',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // Nest itself is the app's business, not this module's.
      external: ['@nestjs/*'],
    }));
  }, 60_000);

  /** The output files the entry loads at start: itself and its static imports, transitively. */
  function loadedAtStart(): string[] {
    const entry = Object.keys(metafile.outputs).find((out) => metafile.outputs[out].entryPoint);
    const seen = new Set<string>();
    const visit = (out: string): void => {
      if (seen.has(out)) return;
      seen.add(out);
      for (const { path, kind } of metafile.outputs[out].imports) {
        if (kind === 'import-statement' && path in metafile.outputs) visit(path);
      }
    };
    visit(entry!);
    return [...seen];
  }

  const inputsOf = (outputs: string[]): string[] =>
    outputs.flatMap((out) => Object.keys(metafile.outputs[out].inputs));

  it.each([['node_modules/nodemailer/'], ['node_modules/@aws-sdk/client-sesv2/']])(
    'keeps %s out of what loads at start, and in a chunk of its own',
    (pkg) => {
      expect(inputsOf(loadedAtStart()).filter((input) => input.includes(pkg))).toEqual([]);
      expect(inputsOf(Object.keys(metafile.outputs)).some((input) => input.includes(pkg))).toBe(
        true,
      );
    },
  );
});
