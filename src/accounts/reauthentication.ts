import { Injectable } from '@nestjs/common';
import { AuditLog } from '../common/audit-log.js';
import type { UserPrincipal } from '../common/principal.js';
import { isSignInError } from '../users/users.errors.js';
import { UsersService } from '../users/users.service.js';
import type { VerifiedSignIn } from '../users/verified-sign-in.js';

/**
 * The password asked again of a signed-in user (change password, delete account): checked as a
 * sign-in is, on the same lockout pair (the typed email, i.e. the account's, and the request's
 * source), so a stolen access token does not buy unlimited guesses. A refusal counts as a failed
 * sign-in and is audited as one (`login.failed`, `login.locked`).
 */
@Injectable()
export class Reauthentication {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditLog,
  ) {}

  async check(
    principal: UserPrincipal,
    password: string,
    sourceAddress: string | undefined,
  ): Promise<VerifiedSignIn> {
    try {
      return await this.users.verifyPasswordOf(
        principal.userId,
        principal.profile,
        password,
        sourceAddress,
      );
    } catch (error) {
      if (isSignInError(error)) {
        this.audit.record(error.code === 'account_locked' ? 'login.locked' : 'login.failed', {
          userId: principal.userId,
          clientId: principal.clientId,
          sessionId: principal.sessionId,
          reason: error.detail.reason,
        });
      }
      throw error;
    }
  }
}
