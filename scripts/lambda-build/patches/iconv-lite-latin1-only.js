// iconv-lite's single-byte code pages (~80 KB: windows-125x, the ISO 8859 family, DOS and Mac
// pages, ...) are for body-parser, which decodes only what it accepts: JSON bodies in UTF-8/16/32
// (iconv-lite's own UTF codecs, not in this table) and form bodies in UTF-8 or ISO-8859-1; any
// other charset is a 415 before iconv-lite is asked. The bundle keeps ISO-8859-1 alone; the
// aliases in sbcs-data.js that name other pages now name nothing, for charsets refused anyway.
import { createRequire } from 'node:module';

const KEPT = ['iso88591'];

export const iconvLiteLatin1Only = {
  name: 'iconv-lite-latin1-only',
  setup(b) {
    let applied = 0;
    b.onLoad({ filter: /[\\/]iconv-lite[\\/]encodings[\\/]sbcs-data-generated\.js$/ }, (args) => {
      const table = createRequire(import.meta.url)(args.path);
      const kept = Object.fromEntries(KEPT.map((name) => [name, table[name]]));
      if (KEPT.some((name) => kept[name]?.type !== '_sbcs')) {
        throw new Error(`iconv-lite's ${args.path} no longer has ${KEPT.join(', ')} as expected`);
      }
      applied += 1;
      return { contents: `module.exports = ${JSON.stringify(kept)};`, loader: 'js' };
    });
    b.onEnd((result) => {
      if (applied !== 1 && result.errors.length === 0) {
        throw new Error(`iconv-lite-latin1-only applied to ${applied} file(s), expected 1`);
      }
    });
  },
};
