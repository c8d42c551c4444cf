import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ClientsModule } from '../clients/clients.module.js';
import { unitOfWorkProvider } from '../database/unit-of-work.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { DiscoveryController } from './discovery/discovery.controller.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { UserOnlyGuard } from './guards/user-only.guard.js';
import { IntrospectionController } from './introspection/introspection.controller.js';
import { IntrospectionService } from './introspection/introspection.service.js';
import { SigningKeysService } from './keys/signing-keys.service.js';
import { RevocationController } from './revocation/revocation.controller.js';
import { RevocationService } from './revocation/revocation.service.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { ClientCredentialsGrant } from './token/grants/client-credentials.grant.js';
import { GRANT_HANDLERS } from './token/grants/grant-handler.js';
import { PasswordGrant } from './token/grants/password.grant.js';
import { RefreshTokenGrant } from './token/grants/refresh-token.grant.js';
import { SignInService } from './token/sign-in.service.js';
import { TokenIssuer } from './token/token-issuer.js';
import { TokenController } from './token/token.controller.js';
import { TokenService } from './token/token.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { AccessTokenVerifier } from './tokens/access-token.verifier.js';

@Module({
  imports: [
    PassportModule,
    // Keys and options come per call from SigningKeysService and AccessTokenVerifier.
    JwtModule.register({}),
    UsersModule,
    ClientsModule,
    SessionsModule,
  ],
  controllers: [
    TokenController,
    RevocationController,
    IntrospectionController,
    DiscoveryController,
  ],
  providers: [
    SigningKeysService,
    AccessTokenVerifier,
    AccessTokenService,
    TokenIssuer,
    unitOfWorkProvider,
    SignInService,
    PasswordGrant,
    RefreshTokenGrant,
    ClientCredentialsGrant,
    {
      provide: GRANT_HANDLERS,
      inject: [PasswordGrant, RefreshTokenGrant, ClientCredentialsGrant],
      useFactory: (...handlers: [PasswordGrant, RefreshTokenGrant, ClientCredentialsGrant]) =>
        handlers,
    },
    TokenService,
    RevocationService,
    IntrospectionService,
    LocalStrategy,
    JwtStrategy,
    // Global guards run in this order: the bearer token first, then who it may speak for.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: UserOnlyGuard },
  ],
  exports: [AccessTokenService, TokenIssuer, TokenService, SignInService],
})
export class AuthModule {}
