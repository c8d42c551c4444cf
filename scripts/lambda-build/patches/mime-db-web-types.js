// mime-db (~150 KB: every media type IANA and Apache know, with their extensions) is read by
// Express, type-is and serve-static, and this service meets only a few of its types: JSON and form
// bodies, JSON answers, Swagger UI's page and static files. The bundle keeps the entries of web
// types (by type and by file extension, below); for anything else mime-types answers as for a type
// it does not know (no charset added to a Content-Type it is given; `application/octet-stream`
// for a file of another extension), which no route of this service produces.
import { readFile } from 'node:fs/promises';

const TYPES = new Set([
  'application/json',
  'application/x-www-form-urlencoded',
  'application/javascript',
  'application/octet-stream',
  'application/problem+json',
  'application/yaml',
  'multipart/form-data',
  'text/css',
  'text/html',
  'text/javascript',
  'text/plain',
  'text/yaml',
]);
const EXTENSIONS = new Set([
  'css',
  'html',
  'htm',
  'ico',
  'js',
  'json',
  'map',
  'mjs',
  'png',
  'svg',
  'txt',
  'yaml',
  'yml',
]);

export const mimeDbWebTypes = {
  name: 'mime-db-web-types',
  setup(b) {
    let applied = 0;
    b.onLoad({ filter: /[\\/]mime-db[\\/]db\.json$/ }, async (args) => {
      const db = JSON.parse(await readFile(args.path, 'utf8'));
      const kept = Object.fromEntries(
        Object.entries(db).filter(
          ([type, entry]) =>
            TYPES.has(type) || (entry.extensions ?? []).some((ext) => EXTENSIONS.has(ext)),
        ),
      );
      for (const type of TYPES) {
        if (!(type in kept)) throw new Error(`mime-db no longer has ${type}`);
      }
      applied += 1;
      return { contents: JSON.stringify(kept), loader: 'json' };
    });
    b.onEnd((result) => {
      if (applied !== 1 && result.errors.length === 0) {
        throw new Error(`mime-db-web-types applied to ${applied} file(s), expected 1`);
      }
    });
  },
};
