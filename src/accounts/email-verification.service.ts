import { Injectable } from '@nestjs/common';
import type { UserPrincipal } from '../common/principal.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';

/**
 * POST /user/email/verify and its resend. Registration sends the first mail (UsersService); a
 * verified email changes what GET /user shows, so the user's live sessions get the new profile
 * snapshot (SessionsService.refreshProfile) and GET /user stays one read.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  async verify(token: string): Promise<void> {
    const account = await this.users.verifyEmail(token);
    await this.sessions.refreshProfile(account.userId, {
      email: account.email,
      emailVerified: true,
    });
  }

  resend(principal: UserPrincipal): Promise<void> {
    return this.users.resendVerification(principal.userId, principal.profile);
  }
}
