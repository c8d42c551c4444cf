import { Injectable } from '@nestjs/common';
import { AuditLog } from '../common/audit-log.js';
import type { UserPrincipal } from '../common/principal.js';
import { UnitOfWorkFactory } from '../database/unit-of-work.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import { Reauthentication } from './reauthentication.js';

export interface PasswordChange {
  readonly currentPassword: string;
  readonly newPassword: string;
}

/**
 * PUT /user/password: the new password must pass the registration policy (checked first, so a
 * weak one spends no lockout attempt); the current one is checked as a sign-in
 * (Reauthentication). Then one transaction stores the new hash and releases the attempt, and
 * every other session of the user ends: whoever else held one must sign in with the new
 * password. The calling session stays.
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly reauthentication: Reauthentication,
    private readonly units: UnitOfWorkFactory,
    private readonly audit: AuditLog,
  ) {}

  async change(
    principal: UserPrincipal,
    change: PasswordChange,
    sourceAddress: string | undefined,
  ): Promise<void> {
    await this.users.checkNewPassword(change.newPassword, 'new_password');
    const signIn = await this.reauthentication.check(
      principal,
      change.currentPassword,
      sourceAddress,
    );
    const work = this.units.begin();
    await this.users.addPasswordChange(work, signIn, change.newPassword);
    await work.commit();
    this.audit.record('password.changed', {
      userId: principal.userId,
      clientId: principal.clientId,
      sessionId: principal.sessionId,
    });
    await this.sessions.endAll(principal.userId, 'password_changed', principal.sessionId);
  }
}
