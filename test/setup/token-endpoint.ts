import type {
  AccessTokenService,
  IssueAccessToken,
} from '../../src/auth/tokens/access-token.service.js';
import { PasswordGrant } from '../../src/auth/token/grants/password.grant.js';
import { RefreshTokenGrant } from '../../src/auth/token/grants/refresh-token.grant.js';
import { TokenIssuer } from '../../src/auth/token/token-issuer.js';
import { TokenService } from '../../src/auth/token/token.service.js';
import type { OAuthClient } from '../../src/clients/client.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { SignInService } from '../../src/auth/token/sign-in.service.js';
import { SessionsService } from '../../src/sessions/sessions.service.js';
import { TestClock } from './clock.js';
import { InMemorySessionsRepository, InMemoryUnitOfWorkFactory } from './in-memory-repositories.js';
import { usersWorld } from './users.js';

/** Clients as the specs of the token endpoint need them. */
export const CLIENTS = {
  demo: {
    id: 'demo-app',
    name: 'Demo',
    type: 'public',
    grantTypes: ['password', 'refresh_token'],
    scopes: ['profile', 'email'],
  },
  refreshOnly: {
    id: 'refresh-only',
    name: 'No password grant',
    type: 'public',
    grantTypes: ['refresh_token'],
    scopes: [],
  },
  lenient: {
    id: 'lenient',
    name: 'Short tokens, a grace period',
    type: 'public',
    grantTypes: ['password', 'refresh_token'],
    scopes: [],
    accessTokenTtlSeconds: 60,
    sessionTtlSeconds: 3600,
    refreshReuseGraceSeconds: 10,
  },
} as const satisfies Record<string, OAuthClient>;

export const TOKEN_CONFIG = {
  tokens: {
    issuer: 'http://issuer.test',
    audience: 'http://issuer.test',
    accessTokenTtlSeconds: 900,
    sessionTtlSeconds: 30 * 86_400,
    refreshReuseGraceSeconds: 0,
  },
} as AppConfig;

/**
 * What a spec's access tokens say: the signer is the one collaborator replaced besides storage
 * (keys are infrastructure, tested with the JWT code), and it writes the request it was given as
 * the token, so specs can read back what would have been signed.
 */
export function readAccessToken(token: string): IssueAccessToken {
  return JSON.parse(token) as IssueAccessToken;
}

const signer = {
  issue: (request: IssueAccessToken) =>
    Promise.resolve({ token: JSON.stringify(request), expiresIn: request.ttlSeconds }),
} as unknown as AccessTokenService;

/**
 * The token endpoint's services for real, over in-memory repositories (accounts, lockout,
 * sessions), one test clock and one recording audit log.
 */
export function tokenEndpoint(overrides: Parameters<typeof usersWorld>[0] = {}) {
  const clock = overrides.clock ?? new TestClock('2026-03-01T12:00:00.000Z');
  const world = usersWorld({ ...overrides, clock });
  const repository = new InMemorySessionsRepository();
  const sessions = new SessionsService(repository, clock, world.audit);
  const units = new InMemoryUnitOfWorkFactory();
  const signIn = new SignInService(world.users, sessions, units, world.config, world.audit);
  const issuer = new TokenIssuer(signer, TOKEN_CONFIG);
  const passwordGrant = new PasswordGrant(signIn, issuer);
  const refreshGrant = new RefreshTokenGrant(sessions, issuer);
  const tokens = new TokenService([passwordGrant, refreshGrant]);
  const { repository: usersRepository, ...users } = world;
  return {
    ...users,
    usersRepository,
    clock,
    /** The sessions' repository (what the grants' specs look at most). */
    repository,
    sessions,
    units,
    signIn,
    issuer,
    passwordGrant,
    refreshGrant,
    tokens,
  };
}
