// Dependencies of dependencies that our app never calls, swapped for a stub that throws if it
// ever is (a loud failure, not a silent one), to keep the bundle small:
// - libphonenumber-js (~290 KB): only class-validator's @IsPhoneNumber uses it;
// - multer (~150 KB): only Nest's file-upload interceptors use it;
// - iconv-lite's CJK tables (~250 KB): body-parser accepts only UTF-8/16/32 and ISO-8859-1
//   bodies, which iconv-lite decodes without them; an unknown charset stays a 415;
// - the SDK's HTTP/2 request handler (it loads node:http2 at start, ~40 ms of a cold start): only
//   streaming services use it; DynamoDB, SSM and SES go over HTTP/1.1 (NodeHttpHandler);
// - debug: Express's diagnostics (DEBUG=express:*), which load tty and colour support at import;
//   replaced by loggers that are always off.

const STUBS = [
  { filter: /^libphonenumber-js(\/.*)?$/, name: 'libphonenumber-js' },
  { filter: /^multer$/, name: 'multer' },
  { filter: /^\.\/dbcs-data(\.js)?$/, importer: /iconv-lite[\\/]encodings/, name: 'dbcs-data' },
  {
    filter: /^\.\/node-http2-handler(\.js)?$/,
    importer: /@smithy[\\/]node-http-handler/,
    name: 'node-http2-handler',
  },
  { filter: /^debug$/, name: 'debug' },
];

/** What each stub module is; by default one that throws when used. */
const STUB_SOURCES = {
  'dbcs-data': 'module.exports = {};',
  debug: [
    'function createDebug(namespace) {',
    '  const debug = () => {};',
    '  debug.enabled = false;',
    '  debug.namespace = namespace;',
    '  debug.log = () => {};',
    "  debug.extend = (name, delimiter = ':') => createDebug(namespace + delimiter + name);",
    '  return debug;',
    '}',
    'createDebug.enable = () => {};',
    "createDebug.disable = () => '';",
    'createDebug.enabled = () => false;',
    'createDebug.debug = createDebug.default = createDebug;',
    'module.exports = createDebug;',
  ].join('\n'),
};

const throwingStub = (name) =>
  [
    `const fail = () => { throw new Error('${name} is not in the Lambda bundle'); };`,
    "module.exports = new Proxy(fail, { get: (_, key) => (key === '__esModule' ? false : fail) });",
  ].join('\n');

export const stubUnused = {
  name: 'stub-unused',
  setup(b) {
    for (const stub of STUBS) {
      b.onResolve({ filter: stub.filter }, (args) =>
        stub.importer && !stub.importer.test(args.importer)
          ? undefined
          : { path: stub.name, namespace: 'stub' },
      );
    }
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      loader: 'js',
      contents: STUB_SOURCES[args.path] ?? throwingStub(args.path),
    }));
  },
};
