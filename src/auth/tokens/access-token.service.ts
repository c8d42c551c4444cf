import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import {
  ACCESS_TOKEN_TYP,
  AccessTokenVerifier,
  type AccessTokenClaims,
} from './access-token.verifier.js';

export { ACCESS_TOKEN_TYP, type AccessTokenClaims } from './access-token.verifier.js';

export interface IssueAccessToken {
  readonly userId: string;
  readonly clientId: string;
  readonly sessionId: string;
  readonly scope: string;
  /** A fresh random one when absent. */
  readonly jti?: string;
  readonly ttlSeconds: number;
  /** The session's absolute end: an access token never outlives its session. */
  readonly notAfter: number;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly expiresIn: number;
}

/** Issues RFC 9068 access tokens and, through the verifier, tells whether a token is one. */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly jwt: JwtService,
    private readonly verifier: AccessTokenVerifier,
    private readonly config: AppConfig,
  ) {}

  /**
   * Signs an RFC 9068 §2 access token with the current key: header `alg`, `kid`, `typ: at+jwt`.
   * Signing is synchronous (jsonwebtoken with a key object); the Promise keeps callers unchanged.
   */
  issue(request: IssueAccessToken): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = Math.min(now + request.ttlSeconds, request.notAfter);
    const key = this.keys.current();
    const claims: AccessTokenClaims = {
      iss: this.config.tokens.issuer,
      sub: request.userId,
      aud: this.config.tokens.audience,
      client_id: request.clientId,
      sid: request.sessionId,
      scope: request.scope,
      iat: now,
      exp,
      jti: request.jti ?? randomUUID(),
    };
    const token = this.jwt.sign(claims, {
      privateKey: key.privateKey,
      algorithm: key.alg,
      keyid: key.kid,
      header: { alg: key.alg, typ: ACCESS_TOKEN_TYP },
    });
    return Promise.resolve({ token, expiresIn: exp - now });
  }

  /** Verified claims, or undefined for any token that is not a valid, unexpired one of ours. */
  verify(token: string): Promise<AccessTokenClaims | undefined> {
    return Promise.resolve(this.verifier.verify(token));
  }

  /** Like verify, but also accepts an expired token (revocation of an expired token's session). */
  verifyIgnoringExpiry(token: string): Promise<AccessTokenClaims | undefined> {
    return Promise.resolve(this.verifier.verify(token, { ignoreExpiration: true }));
  }
}
