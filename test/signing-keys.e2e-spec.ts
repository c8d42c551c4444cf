import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { generateSigningKeySet, parseSigningKeys } from '../src/auth/keys/signing-keys.js';
import { signIn } from './setup/oauth.js';
import { createTestApp } from './setup/test-app.js';

describe('signing keys from JWT_SIGNING_KEYS, and rotation without logouts', () => {
  it('signs with the first key, publishes all, and accepts tokens of the previous key', async () => {
    const current = JSON.parse(await generateSigningKeySet()) as { keys: object[] };
    const previous = JSON.parse(await generateSigningKeySet()) as { keys: object[] };
    const [previousKey] = await parseSigningKeys(JSON.stringify(previous), 'test');
    const t = await createTestApp({
      JWT_SIGNING_KEYS: JSON.stringify({ keys: [...current.keys, ...previous.keys] }),
    });
    try {
      const jwks = await request(t.server).get('/.well-known/jwks.json').expect(200);
      expect(jwks.body.keys).toHaveLength(2);
      for (const key of jwks.body.keys) {
        expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      }
      expect(jwks.body.keys[1].kid).toBe(previousKey.kid);

      const { tokens } = await signIn(t);
      expect(decodeProtectedHeader(tokens.access_token).kid).toBe(jwks.body.keys[0].kid);

      // A token signed before the rotation, by the now-previous key, still works.
      const oldToken = await new SignJWT(decodeJwt(tokens.access_token))
        .setProtectedHeader({ alg: 'ES256', kid: previousKey.kid, typ: 'at+jwt' })
        .sign(previousKey.privateKey!);
      await request(t.server).get('/user').auth(oldToken, { type: 'bearer' }).expect(200);
    } finally {
      await t.close();
    }
  });

  it.each([
    ['not JSON', '{', /must be a JSON JWK set/],
    ['no keys', '{"keys":[]}', /at least one key/],
    ['an RSA key', '{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}', /EC P-256/],
    [
      'a first key without its private part',
      '{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}',
      /needs its private part/,
    ],
  ])('refuses %s with a message naming the variable', async (_case, value, message) => {
    await expect(parseSigningKeys(value, 'JWT_SIGNING_KEYS')).rejects.toThrow(message);
    await expect(parseSigningKeys(value, 'JWT_SIGNING_KEYS')).rejects.toThrow(/^JWT_SIGNING_KEYS/);
  });
});
