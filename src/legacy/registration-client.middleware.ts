import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CLIENT_ID_HEADER, LegacyClientResolver } from './legacy-client.js';

/**
 * POST /user as the original API sends it: with x-koms-clientid, which must then name a registered
 * client. Newer callers send no header, and registration stays open to them. A middleware keeps
 * UsersController unaware of the original API.
 */
@Injectable()
export class RegistrationClientMiddleware implements NestMiddleware {
  constructor(private readonly resolver: LegacyClientResolver) {}

  async use(request: Request, _response: Response, next: NextFunction): Promise<void> {
    await this.resolver.forRegistration(request.headers[CLIENT_ID_HEADER]);
    next();
  }
}
