import { SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';

export const ACCEPTS_CLIENT_TOKENS = 'acceptsClientTokens';

/**
 * Lets a bearer route take client_credentials tokens (a ClientPrincipal) as well as users' tokens.
 * Without it a route is user-only: UserOnlyGuard answers a client token 403 insufficient_scope, so
 * a route written for users never meets a principal without a user by accident.
 */
export const AcceptsClientTokens = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCEPTS_CLIENT_TOKENS, true);

/** Swagger: the 403 a user-only bearer route gives a client_credentials token (UserOnlyGuard). */
export const ApiRefusesClientTokens = (): MethodDecorator & ClassDecorator =>
  ApiForbiddenResponse({
    description:
      'insufficient_scope: a client_credentials token, which speaks for a client and has no user (RFC 6750 §3.1).',
  });
