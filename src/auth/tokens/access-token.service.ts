import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { AppConfig } from '../../config/app-config.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import type { SigningKey } from '../keys/signing-keys.js';

/** RFC 9068 §2.1: the media type of JWT access tokens, in the `typ` header. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
export const ACCESS_TOKEN_ALG = 'ES256';

export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  sid: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface IssueAccessToken {
  readonly userId: string;
  readonly clientId: string;
  readonly sessionId: string;
  readonly scope: string;
  readonly jti: string;
  readonly ttlSeconds: number;
  /** The session's absolute end: an access token never outlives its session. */
  readonly notAfter: number;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly expiresIn: number;
}

@Injectable()
export class AccessTokenService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AppConfig,
  ) {}

  newJti(): string {
    return randomUUID();
  }

  /** Signs an RFC 9068 access token with the current key. */
  async issue(request: IssueAccessToken): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = Math.min(now + request.ttlSeconds, request.notAfter);
    const key = this.keys.current();
    const token = await new SignJWT({
      client_id: request.clientId,
      sid: request.sessionId,
      scope: request.scope,
    })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: key.kid, typ: ACCESS_TOKEN_TYP })
      .setIssuer(this.config.tokens.issuer)
      .setSubject(request.userId)
      .setAudience(this.config.tokens.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(request.jti)
      .sign(key.privateKey);
    return { token, expiresIn: exp - now };
  }

  /**
   * The verification key for a token's header, or undefined when the header is not ours:
   * algorithm pinned to ES256, `typ` must be at+jwt, and the kid must be a published key.
   */
  keyForHeader(token: string): SigningKey | undefined {
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== ACCESS_TOKEN_ALG || header.typ !== ACCESS_TOKEN_TYP) return undefined;
      return typeof header.kid === 'string' ? this.keys.find(header.kid) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Verified claims, or undefined for any token that is not a valid, unexpired one of ours. */
  verify(token: string): Promise<AccessTokenClaims | undefined> {
    return this.verifyWith(token, 0);
  }

  /** Like verify, but also accepts an expired token (revocation of an expired token's session). */
  verifyIgnoringExpiry(token: string): Promise<AccessTokenClaims | undefined> {
    // Far enough back that any token of a session still stored verifies.
    return this.verifyWith(token, 366 * 86_400);
  }

  private async verifyWith(
    token: string,
    clockTolerance: number,
  ): Promise<AccessTokenClaims | undefined> {
    const key = this.keyForHeader(token);
    if (!key) return undefined;
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, key.publicKey, {
        algorithms: [ACCESS_TOKEN_ALG],
        issuer: this.config.tokens.issuer,
        audience: this.config.tokens.audience,
        typ: ACCESS_TOKEN_TYP,
        requiredClaims: ['sub', 'sid', 'client_id', 'jti', 'exp', 'iat'],
        clockTolerance,
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }
}
