import { epochSeconds } from '../../src/common/clock.js';
import { ringSlot } from '../../src/sessions/rotation.js';
import type { RevokeReason, Session } from '../../src/sessions/session.js';
import {
  SessionsRepository,
  type RotateRequest,
  type RotateResult,
} from '../../src/sessions/sessions.repository.js';
import type { User } from '../../src/users/user.js';
import { EmailTakenError } from '../../src/users/users.errors.js';
import { UsersRepository } from '../../src/users/users.repository.js';

/**
 * Repositories in memory, for specs: the boundary where specs stop, keeping the contracts of the
 * DynamoDB ones (conditional writes included) so the services above them run for real. They also
 * count calls, so a spec can show what an operation costs.
 */

export class InMemorySessionsRepository extends SessionsRepository {
  readonly items = new Map<string, Session>();
  readonly calls: string[] = [];

  create(session: Session): Promise<void> {
    this.calls.push('create');
    if (this.items.has(session.id)) return Promise.reject(new Error(`${session.id} exists`));
    this.items.set(session.id, session);
    return Promise.resolve();
  }

  findById(sessionId: string): Promise<Session | undefined> {
    this.calls.push('findById');
    return Promise.resolve(this.items.get(sessionId));
  }

  /** The condition of DynamoDbSessionsRepository.rotateIfCurrent, and its ALL_OLD on failure. */
  rotateIfCurrent(request: RotateRequest): Promise<RotateResult> {
    this.calls.push('rotateIfCurrent');
    const session = this.items.get(request.sessionId);
    const current =
      session !== undefined &&
      session.tokenHash === request.presentedHash &&
      session.generation === request.presentedGeneration &&
      session.clientId === request.clientId &&
      session.revokedAt === undefined &&
      session.expiresAt > epochSeconds(request.now);
    if (!current) return Promise.resolve({ rotated: false, session });
    const now = request.now.toISOString();
    const rotated: Session = {
      ...session,
      tokenHash: request.newHash,
      generation: request.presentedGeneration + 1,
      previousHashes: {
        ...session.previousHashes,
        [ringSlot(request.presentedGeneration)]: request.presentedHash,
      },
      lastUsedAt: now,
      rotatedAt: now,
    };
    this.items.set(rotated.id, rotated);
    return Promise.resolve({ rotated: true, session: rotated });
  }

  revoke(sessionId: string, reason: RevokeReason, now: Date): Promise<boolean> {
    this.calls.push('revoke');
    const session = this.items.get(sessionId);
    if (!session || session.revokedAt !== undefined) return Promise.resolve(false);
    this.items.set(sessionId, { ...session, revokedAt: now.toISOString(), revokeReason: reason });
    return Promise.resolve(true);
  }

  listByUser(userId: string): Promise<Session[]> {
    this.calls.push('listByUser');
    // Ended sessions leave the index (DynamoDbSessionsRepository removes their gsi1 keys).
    return Promise.resolve(
      [...this.items.values()]
        .filter((session) => session.userId === userId && session.revokedAt === undefined)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    );
  }
}

export class InMemoryUsersRepository extends UsersRepository {
  readonly items = new Map<string, User>();
  readonly calls: string[] = [];

  create(user: User): Promise<void> {
    this.calls.push('create');
    if ([...this.items.values()].some((other) => other.email === user.email)) {
      return Promise.reject(new EmailTakenError());
    }
    this.items.set(user.id, user);
    return Promise.resolve();
  }

  findByEmail(normalizedEmail: string): Promise<User | undefined> {
    this.calls.push('findByEmail');
    return Promise.resolve([...this.items.values()].find((user) => user.email === normalizedEmail));
  }

  findById(userId: string): Promise<User | undefined> {
    this.calls.push('findById');
    return Promise.resolve(this.items.get(userId));
  }

  recordFailedLogin(userId: string, lockedUntil: Date | undefined): Promise<void> {
    this.calls.push('recordFailedLogin');
    const user = this.require(userId);
    this.items.set(userId, {
      ...user,
      failedLogins: (user.failedLogins ?? 0) + 1,
      ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}),
    });
    return Promise.resolve();
  }

  clearFailedLogins(userId: string): Promise<void> {
    this.calls.push('clearFailedLogins');
    this.items.set(userId, {
      ...this.require(userId),
      failedLogins: undefined,
      lockedUntil: undefined,
    });
    return Promise.resolve();
  }

  private require(userId: string): User {
    const user = this.items.get(userId);
    if (!user) throw new Error(`no user ${userId}`); // the DynamoDB condition attribute_exists(pk)
    return user;
  }
}
