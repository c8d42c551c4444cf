import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import request from 'supertest';
import { SigningKeysService } from '../src/auth/keys/signing-keys.service.js';
import { generateSigningKeySet } from '../src/auth/keys/signing-keys.js';
import type { AccessTokenAlg } from '../src/config/signing-keys.config.js';
import { signIn } from './setup/oauth.js';
import { createTestApp } from './setup/test-app.js';

const PUBLIC_MEMBERS: Record<AccessTokenAlg, string[]> = {
  ES256: ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
  RS256: ['alg', 'e', 'kid', 'kty', 'n', 'use'],
};

describe.each<AccessTokenAlg>(['ES256', 'RS256'])(
  'signing keys from JWT_SIGNING_KEYS (%s), and rotation without logouts',
  (alg) => {
    it('signs with the first key, publishes all, and accepts tokens of the previous key', async () => {
      const current = JSON.parse(generateSigningKeySet(alg)) as { keys: object[] };
      const previous = JSON.parse(generateSigningKeySet(alg)) as { keys: { kid: string }[] };
      const t = await createTestApp({
        ACCESS_TOKEN_ALG: alg,
        JWT_SIGNING_KEYS: JSON.stringify({ keys: [...current.keys, ...previous.keys] }),
      });
      try {
        const jwks = await request(t.server).get('/.well-known/jwks.json').expect(200);
        expect(jwks.body.keys).toHaveLength(2);
        for (const key of jwks.body.keys) {
          // Public members only: no private part leaves the service.
          expect(Object.keys(key).sort()).toEqual(PUBLIC_MEMBERS[alg]);
          expect(key).toMatchObject({ alg, use: 'sig' });
        }
        expect(jwks.body.keys[1].kid).toBe(previous.keys[0].kid);
        const metadata = await request(t.server)
          .get('/.well-known/oauth-authorization-server')
          .expect(200);
        expect(metadata.body.access_token_signing_alg_values_supported).toEqual([alg]);

        const { tokens } = await signIn(t);
        expect(decodeProtectedHeader(tokens.access_token)).toEqual({
          alg,
          kid: jwks.body.keys[0].kid,
          typ: 'at+jwt',
        });
        // A generic JOSE library verifies it with the published set, the algorithm pinned.
        await jwtVerify(tokens.access_token, createLocalJWKSet(jwks.body), {
          algorithms: [alg],
          issuer: t.config.tokens.issuer,
          audience: t.config.tokens.audience,
          typ: 'at+jwt',
        });

        // A token signed before the rotation, by the now-previous key, still works.
        const previousKey = t.app.get(SigningKeysService).find(previous.keys[0].kid);
        expect(previousKey?.privateKey).toBeDefined();
        const oldToken = await new SignJWT(decodeJwt(tokens.access_token))
          .setProtectedHeader({ alg, kid: previous.keys[0].kid, typ: 'at+jwt' })
          .sign(previousKey!.privateKey!);
        await request(t.server).get('/user').auth(oldToken, { type: 'bearer' }).expect(200);
      } finally {
        await t.close();
      }
    });
  },
);

describe('local signing keys under DATA_DIR', () => {
  it('keeps one key per algorithm across restarts, and a file of another key type is refused', async () => {
    const dataDir = join(tmpdir(), `signing-keys-${randomUUID()}`);
    const kidOf = async (alg: AccessTokenAlg): Promise<string> => {
      const t = await createTestApp({ DATA_DIR: dataDir, ACCESS_TOKEN_ALG: alg });
      try {
        const jwks = await request(t.server).get('/.well-known/jwks.json').expect(200);
        expect(jwks.body.keys).toEqual([expect.objectContaining({ alg })]);
        return jwks.body.keys[0].kid as string;
      } finally {
        await t.close();
      }
    };

    const es256 = await kidOf('ES256');
    expect(existsSync(join(dataDir, 'signing-keys.json'))).toBe(true);
    const rs256 = await kidOf('RS256');
    expect(existsSync(join(dataDir, 'signing-keys.rs256.json'))).toBe(true);
    expect(rs256).not.toBe(es256);
    // Restarts, and switching back, find the same keys: tokens survive them.
    expect(await kidOf('ES256')).toBe(es256);
    expect(await kidOf('RS256')).toBe(rs256);

    // An RSA set put where the ES256 key belongs stops the start with one line naming the file.
    const other = join(tmpdir(), `signing-keys-${randomUUID()}`);
    mkdirSync(other);
    writeFileSync(
      join(other, 'signing-keys.json'),
      readFileSync(join(dataDir, 'signing-keys.rs256.json')),
    );
    await expect(createTestApp({ DATA_DIR: other })).rejects.toThrow(
      /signing-keys\.json: keys\[0\] is not an EC P-256 key, which ACCESS_TOKEN_ALG=ES256 needs$/,
    );
  });
});
