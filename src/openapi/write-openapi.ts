import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { generateOpenApiDocument, serializeOpenApiDocument } from './generate.js';

/** `npm run openapi`: writes the API description to openapi.json (or the path given). */
const target = process.argv[2] ?? 'openapi.json';
const document = await generateOpenApiDocument();
writeFileSync(target, serializeOpenApiDocument(document));
console.log(`Wrote ${target} (${Object.keys(document.paths).length} paths)`);
// The module graph holds open handles (the DynamoDB client's agent); closing the app would run
// shutdown hooks, which have nothing to undo here.
process.exit(0);
