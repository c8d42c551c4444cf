import type { KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JsonWebTokenError, JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config.js';
import type { AccessTokenAlg } from '../../config/signing-keys.config.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';

/** RFC 9068 §2.1: the media type of JWT access tokens, in the `typ` header. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** RFC 9068 §4: `typ` is at+jwt or application/at+jwt (RFC 7515 §4.1.9), case-insensitive. */
const ACCESS_TOKEN_TYP_HEADER = /^(application\/)?at\+jwt$/i;

/** RFC 9068 §2.2 claims every access token of this service carries. */
interface CommonAccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}

/** A token of a user's session (password and refresh_token grants): `sub` is the user id. */
export interface AccessTokenClaims extends CommonAccessTokenClaims {
  sid: string;
}

/**
 * A client_credentials token (RFC 6749 §4.4): no user and no session, so no `sid`; `sub` is the
 * client id (RFC 9068 §2.2), equal to `client_id`.
 */
export interface ClientAccessTokenClaims extends CommonAccessTokenClaims {
  sid?: undefined;
}

/** Any access token of this service, told apart by `sid` (isClientToken). */
export type AnyAccessTokenClaims = AccessTokenClaims | ClientAccessTokenClaims;

export function isClientToken(claims: AnyAccessTokenClaims): claims is ClientAccessTokenClaims {
  return claims.sid === undefined;
}

/** The checks jsonwebtoken makes: the algorithm pinned, issuer and audience exact. */
export interface AccessTokenVerifyOptions {
  readonly algorithms: [AccessTokenAlg];
  readonly issuer: string;
  readonly audience: string;
}

const STRING_CLAIMS = ['iss', 'sub', 'client_id', 'jti'] as const;
const NUMBER_CLAIMS = ['iat', 'exp'] as const;

/**
 * The one place that says which access tokens are ours (RFC 9068 §4). The bearer strategy
 * (passport-jwt) uses its key lookup, options and claims check around jsonwebtoken's verify;
 * introspection, revocation and the legacy API call `verify()`, which makes the same checks with
 * the same jsonwebtoken. Keys are the key objects made at start: nothing is parsed per request.
 */
@Injectable()
export class AccessTokenVerifier {
  readonly options: AccessTokenVerifyOptions;

  constructor(
    private readonly keys: SigningKeysService,
    private readonly jwt: JwtService,
    config: AppConfig,
  ) {
    this.options = Object.freeze({
      algorithms: [keys.alg] as [AccessTokenAlg],
      issuer: config.tokens.issuer,
      audience: config.tokens.audience,
    });
  }

  /**
   * The public key for a token's header, or undefined when the header is not one of ours: `alg`
   * must be the configured algorithm (never `none`, never HMAC), `typ` must be at+jwt (RFC 9068
   * §4, so an ID token or another kind of JWT is not taken for an access token), and `kid` must
   * name a published key.
   */
  keyFor(token: string): KeyObject | undefined {
    let header: { alg?: unknown; typ?: unknown; kid?: unknown } | undefined;
    try {
      header = (this.jwt.decode(token, { complete: true }) as { header?: typeof header } | null)
        ?.header;
    } catch {
      return undefined;
    }
    if (header?.alg !== this.keys.alg) return undefined;
    const { typ, kid } = header;
    if (typeof typ !== 'string' || !ACCESS_TOKEN_TYP_HEADER.test(typ)) return undefined;
    return typeof kid === 'string' ? this.keys.find(kid)?.publicKey : undefined;
  }

  /**
   * The claims of a verified payload, or undefined when one this service always sets is missing.
   * A session's token has a non-empty `sid`; a token without one is a client_credentials token
   * only if its `sub` is its `client_id`: nothing else without a `sid` is one of ours.
   */
  claims(payload: unknown): AnyAccessTokenClaims | undefined {
    if (typeof payload !== 'object' || payload === null) return undefined;
    const claims = payload as Record<string, unknown>;
    if (STRING_CLAIMS.some((name) => typeof claims[name] !== 'string' || claims[name] === '')) {
      return undefined;
    }
    if (NUMBER_CLAIMS.some((name) => typeof claims[name] !== 'number')) return undefined;
    if (claims.sid === undefined) {
      if (claims.sub !== claims.client_id) return undefined;
    } else if (typeof claims.sid !== 'string' || claims.sid === '') {
      return undefined;
    }
    return {
      ...claims,
      scope: typeof claims.scope === 'string' ? claims.scope : '',
    } as AnyAccessTokenClaims;
  }

  /**
   * Verified claims of a session's or a client's token, or undefined for any token that is not a
   * valid one of ours. With `ignoreExpiration` an expired token passes too (revocation, the legacy
   * refresh).
   */
  verify(token: string, { ignoreExpiration = false } = {}): AnyAccessTokenClaims | undefined {
    const publicKey = this.keyFor(token);
    if (!publicKey) return undefined;
    try {
      const payload = this.jwt.verify<object>(token, {
        ...this.options,
        algorithms: [...this.options.algorithms],
        ignoreExpiration,
        // @nestjs/jwt types this as PEM (string | Buffer) but hands it to jsonwebtoken 9 as is,
        // which takes a KeyObject and then parses no key per call.
        publicKey: publicKey as unknown as Buffer,
      });
      return this.claims(payload);
    } catch (error) {
      if (error instanceof JsonWebTokenError) return undefined;
      throw error;
    }
  }
}
