import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import {
  ACCESS_TOKEN_TYP,
  AccessTokenVerifier,
  isClientToken,
  type AccessTokenClaims,
  type AnyAccessTokenClaims,
  type ClientAccessTokenClaims,
} from './access-token.verifier.js';

export {
  ACCESS_TOKEN_TYP,
  isClientToken,
  type AccessTokenClaims,
  type AnyAccessTokenClaims,
  type ClientAccessTokenClaims,
} from './access-token.verifier.js';

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

/** A client_credentials token (RFC 6749 §4.4): the client is the subject; no session bounds it. */
export interface IssueClientAccessToken {
  readonly clientId: string;
  readonly scope: string;
  readonly ttlSeconds: number;
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

  /** Signs an access token of a user's session. */
  issue(request: IssueAccessToken): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.config.tokens.issuer,
      sub: request.userId,
      aud: this.config.tokens.audience,
      client_id: request.clientId,
      sid: request.sessionId,
      scope: request.scope,
      iat: now,
      exp: Math.min(now + request.ttlSeconds, request.notAfter),
      jti: request.jti ?? randomUUID(),
    };
    return Promise.resolve(this.sign(claims, now));
  }

  /**
   * Signs a client_credentials token (RFC 6749 §4.4): `sub` is the client id (RFC 9068 §2.2: with
   * no resource owner, "the value of sub SHOULD correspond to an identifier the authorization
   * server uses to indicate the client application"), and there is no `sid`: no session.
   */
  issueForClient(request: IssueClientAccessToken): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const claims: ClientAccessTokenClaims = {
      iss: this.config.tokens.issuer,
      sub: request.clientId,
      aud: this.config.tokens.audience,
      client_id: request.clientId,
      scope: request.scope,
      iat: now,
      exp: now + request.ttlSeconds,
      jti: randomUUID(),
    };
    return Promise.resolve(this.sign(claims, now));
  }

  /**
   * Signs an RFC 9068 §2 access token with the current key: header `alg`, `kid`, `typ: at+jwt`.
   * Signing is synchronous (jsonwebtoken with a key object); the Promises keep callers unchanged.
   */
  private sign(claims: AnyAccessTokenClaims, now: number): IssuedAccessToken {
    const key = this.keys.current();
    const token = this.jwt.sign(claims, {
      privateKey: key.privateKey,
      algorithm: key.alg,
      keyid: key.kid,
      header: { alg: key.alg, typ: ACCESS_TOKEN_TYP },
    });
    return { token, expiresIn: claims.exp - now };
  }

  /**
   * Verified claims of any access token of ours, a session's or a client's (isClientToken), or
   * undefined for anything else. With `ignoreExpiration` an expired token passes too (revocation).
   */
  verify(
    token: string,
    options: { ignoreExpiration?: boolean } = {},
  ): Promise<AnyAccessTokenClaims | undefined> {
    return Promise.resolve(this.verifier.verify(token, options));
  }

  /**
   * A session's access token, even expired (the legacy refresh). A client_credentials token has no
   * session to refresh, so it is undefined here like any token that is not ours.
   */
  verifyIgnoringExpiry(token: string): Promise<AccessTokenClaims | undefined> {
    const claims = this.verifier.verify(token, { ignoreExpiration: true });
    return Promise.resolve(claims && !isClientToken(claims) ? claims : undefined);
  }
}
