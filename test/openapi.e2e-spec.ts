import { readFileSync } from 'node:fs';
import request from 'supertest';
import { createTestApp, type TestApp } from './setup/test-app.js';

/**
 * The document Swagger UI reads at /docs-json is the one `npm run openapi` committed: one function
 * builds both, and the running app's configuration does not change it.
 */
describe('GET /docs-json', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER: 'https://auth.example.com', PORT: '4321' });
  });
  afterAll(() => t.close());

  it('serves the committed openapi.json', async () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../openapi.json', import.meta.url), 'utf8'),
    );
    const response = await request(t.server).get('/docs-json').expect(200);
    expect(response.body).toEqual(committed);
  });
});
