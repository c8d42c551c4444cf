// Source patches of third-party files, each in its own file under patches/ with its reason.
// Each `from` must occur exactly once, and each patch must apply to the number of files it
// expects: the build fails if a dependency update changed a file, rather than ship a bundle that
// silently lost a patch.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

function occurrences(source, from) {
  return typeof from === 'string'
    ? source.split(from).length - 1
    : (source.match(new RegExp(from.source, `${from.flags}g`)) ?? []).length;
}

/**
 * An esbuild plugin that rewrites the files matching `file` (`files` of them):
 * - `replace`: [from, to] pairs, `from` a string or RegExp found exactly once, `to` a string or
 *   `(source, facts) => string` of the original source;
 * - `prepend`: text, or `(source, facts) => text`, put before the patched source;
 * - `facts`: `async (build) => object`, resolved once, for patches that need the build's view.
 */
export function sourcePatch({ name, file, files = 1, replace = [], prepend, facts }) {
  return {
    name,
    setup(b) {
      let applied = 0;
      let known;
      b.onLoad({ filter: file }, async (args) => {
        known ??= facts ? await facts(b) : {};
        const original = await readFile(args.path, 'utf8');
        let source = original;
        for (const [from, to] of replace) {
          if (occurrences(source, from) !== 1) {
            throw new Error(`${args.path} no longer contains "${from}" once`);
          }
          const replacement = typeof to === 'function' ? to(original, known) : to;
          source = source.replace(from, () => replacement);
        }
        const head = typeof prepend === 'function' ? prepend(original, known) : (prepend ?? '');
        applied += 1;
        return { contents: head + source, loader: 'js', resolveDir: dirname(args.path) };
      });
      b.onEnd((result) => {
        if (applied !== files && result.errors.length === 0) {
          throw new Error(`applied to ${applied} file(s), expected ${files}`);
        }
      });
    },
  };
}
