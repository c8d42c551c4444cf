import { Injectable } from '@nestjs/common';
import { AuditLog } from '../common/audit-log.js';
import type { UserPrincipal } from '../common/principal.js';
import { AppConfig } from '../config/app-config.js';
import { UnitOfWorkFactory } from '../database/unit-of-work.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import { Reauthentication } from './reauthentication.js';

/** DynamoDB's limit on the writes of one transaction. */
const TRANSACTION_MAX_WRITES = 100;
/** The account's own writes in the deletion's transaction: credential, profile, lockout pair. */
const ACCOUNT_WRITES = 3;

/**
 * DELETE /user: the password is asked again (Reauthentication), then one transaction deletes the
 * credential (the email claim: the email can register again), the profile and the user's
 * sessions, as many as fit beside them (MAX_SESSIONS_PER_USER is 50 by default; sessions beyond
 * the transaction's 100 writes follow in batches). Their access tokens are refused at once: the
 * bearer check finds no session. Once the credential is gone no sign-in can start a session (its
 * transaction needs the credential), so one more listing after the commit finds any session a
 * sign-in started while this one ran, and deletes it too.
 */
@Injectable()
export class AccountDeletionService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly reauthentication: Reauthentication,
    private readonly units: UnitOfWorkFactory,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  async delete(
    principal: UserPrincipal,
    password: string,
    sourceAddress: string | undefined,
  ): Promise<void> {
    const signIn = await this.reauthentication.check(principal, password, sourceAddress);
    // Pages as large as a user at the limit needs, as the session limit's own listing.
    const pageSize = this.config.sessions.maxPerUser + 25;
    const sessionIds = await this.sessions.idsOf(principal.userId, pageSize);
    const together = sessionIds.slice(0, TRANSACTION_MAX_WRITES - ACCOUNT_WRITES);
    const work = this.units.begin();
    this.users.addDeletion(work, signIn);
    this.sessions.deleteWithin(work, together);
    await work.commit();
    this.audit.record('user.deleted', {
      userId: principal.userId,
      clientId: principal.clientId,
      sessionId: principal.sessionId,
    });
    const left = await this.sessions.idsOf(principal.userId, pageSize);
    await this.sessions.deleteAll(left);
  }
}
