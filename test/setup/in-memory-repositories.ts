import { epochSeconds } from '../../src/common/clock.js';
import { UnitOfWork, UnitOfWorkFactory } from '../../src/database/unit-of-work.js';
import { ringSlot } from '../../src/sessions/rotation.js';
import type { RevokeReason, Session, SessionProfile } from '../../src/sessions/session.js';
import { decodeSessionCursor, encodeSessionCursor } from '../../src/sessions/session-cursor.js';
import {
  SessionsRepository,
  type RotateRequest,
  type RotateResult,
  type SessionPage,
} from '../../src/sessions/sessions.repository.js';
import type { PairState, Reservation } from '../../src/users/lockout.js';
import {
  LoginAttemptsRepository,
  type LoginPair,
} from '../../src/users/login-attempts.repository.js';
import type {
  AccountKey,
  Credential,
  NewAccount,
  StoredAccountToken,
  UserProfile,
} from '../../src/users/user.js';
import {
  BadCredentialsError,
  EmailAlreadyVerifiedError,
  EmailTakenError,
  InvalidAccountTokenError,
  UserNotFoundError,
} from '../../src/users/users.errors.js';
import {
  UsersRepository,
  type SessionCount,
  type SignInState,
} from '../../src/users/users.repository.js';

/**
 * Repositories in memory, for specs: the boundary where specs stop, keeping the contracts of the
 * DynamoDB ones (conditional writes and transactions included) so the services above them run for
 * real. They also count calls, so a spec can show what an operation costs.
 */

/** A write of an in-memory unit of work: its condition, and what it does once all conditions hold. */
interface InMemoryWrite {
  readonly refused: () => Error | undefined;
  readonly apply: () => void;
}

/** Checks every condition, then applies every write: all or nothing, as TransactWriteItems. */
export class InMemoryUnitOfWork extends UnitOfWork {
  readonly writes: InMemoryWrite[] = [];
  committed = false;

  add(write: InMemoryWrite): void {
    this.writes.push(write);
  }

  commit(): Promise<void> {
    this.committed = true;
    for (const write of this.writes) {
      const refusal = write.refused();
      if (refusal) return Promise.reject(refusal);
    }
    for (const write of this.writes) write.apply();
    return Promise.resolve();
  }
}

export class InMemoryUnitOfWorkFactory extends UnitOfWorkFactory {
  readonly begun: InMemoryUnitOfWork[] = [];

  begin(): InMemoryUnitOfWork {
    const work = new InMemoryUnitOfWork();
    this.begun.push(work);
    return work;
  }
}

function inMemory(work: UnitOfWork): InMemoryUnitOfWork {
  if (!(work instanceof InMemoryUnitOfWork)) throw new Error('not an in-memory unit of work');
  return work;
}

export class InMemorySessionsRepository extends SessionsRepository {
  readonly items = new Map<string, Session>();
  readonly calls: string[] = [];
  /** Page size of listByUser, as DynamoDbSessionsRepository's Query pages. */
  batch = 25;

  create(session: Session): Promise<void> {
    this.calls.push('create');
    if (this.items.has(session.id)) return Promise.reject(new Error(`${session.id} exists`));
    this.items.set(session.id, session);
    return Promise.resolve();
  }

  addCreate(work: UnitOfWork, session: Session): void {
    this.calls.push('addCreate');
    inMemory(work).add({
      refused: () => (this.items.has(session.id) ? new Error(`${session.id} exists`) : undefined),
      apply: () => this.items.set(session.id, session),
    });
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
      graceReuses: undefined,
    };
    this.items.set(rotated.id, rotated);
    return Promise.resolve({ rotated: true, session: rotated });
  }

  recordGraceReuse(sessionId: string, generation: number, now: Date): Promise<Session | undefined> {
    this.calls.push('recordGraceReuse');
    const session = this.items.get(sessionId);
    if (
      !session ||
      session.generation !== generation ||
      session.revokedAt !== undefined ||
      session.expiresAt <= epochSeconds(now)
    ) {
      return Promise.resolve(undefined);
    }
    const counted = { ...session, graceReuses: (session.graceReuses ?? 0) + 1 };
    this.items.set(sessionId, counted);
    return Promise.resolve(counted);
  }

  revoke(sessionId: string, reason: RevokeReason, now: Date): Promise<Session | undefined> {
    this.calls.push('revoke');
    const session = this.items.get(sessionId);
    if (!session || session.revokedAt !== undefined) return Promise.resolve(undefined);
    const ended = { ...session, revokedAt: now.toISOString(), revokeReason: reason };
    this.items.set(sessionId, ended);
    return Promise.resolve(ended);
  }

  async *listByUser(userId: string, pageSize = this.batch): AsyncIterable<readonly Session[]> {
    this.calls.push('listByUser');
    const indexed = this.indexed(userId);
    for (let i = 0; i < indexed.length; i += pageSize) {
      await Promise.resolve();
      yield indexed.slice(i, i + pageSize);
    }
  }

  pageByUser(userId: string, limit: number, now: Date, cursor?: string): Promise<SessionPage> {
    this.calls.push('pageByUser');
    const live = this.indexed(userId).filter((s) => s.expiresAt > epochSeconds(now));
    const start = cursor === undefined ? undefined : decodeSessionCursor(cursor);
    const from = start ? live.findIndex((s) => s.id === start.sessionId) + 1 : 0;
    const sessions = live.slice(from, from + limit);
    const last = sessions[sessions.length - 1];
    const more = from + limit < live.length;
    return Promise.resolve({
      sessions,
      next: more
        ? encodeSessionCursor({ createdAt: last.createdAt, sessionId: last.id })
        : undefined,
    });
  }

  updateProfile(sessionId: string, profile: SessionProfile): Promise<boolean> {
    this.calls.push('updateProfile');
    const session = this.items.get(sessionId);
    if (!session || session.revokedAt !== undefined) return Promise.resolve(false);
    this.items.set(sessionId, { ...session, profile });
    return Promise.resolve(true);
  }

  addDelete(work: UnitOfWork, sessionId: string): void {
    this.calls.push('addDelete');
    inMemory(work).add({ refused: () => undefined, apply: () => this.items.delete(sessionId) });
  }

  delete(sessionId: string): Promise<void> {
    this.calls.push('delete');
    this.items.delete(sessionId);
    return Promise.resolve();
  }

  /** Ended sessions leave the index (DynamoDbSessionsRepository removes their gsi1 keys). */
  private indexed(userId: string): Session[] {
    return [...this.items.values()]
      .filter((session) => session.userId === userId && session.revokedAt === undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }
}

/** The lockout's counters, with the conditions of DynamoDbLoginAttemptsRepository. */
export class InMemoryLoginAttemptsRepository extends LoginAttemptsRepository {
  readonly pairs = new Map<string, PairState>();
  readonly windows = new Map<string, { failures: number; refusals: number }>();
  readonly calls: string[] = [];

  reserve(pair: LoginPair, maxAttempts: number, now: Date): Promise<Reservation> {
    this.calls.push('reserve');
    const before = this.pairs.get(pairKey(pair));
    if (before && before.attempts >= maxAttempts) {
      return Promise.resolve({ reserved: false, before });
    }
    this.pairs.set(pairKey(pair), {
      attempts: (before?.attempts ?? 0) + 1,
      level: before?.level ?? 0,
      lastAt: now.getTime(),
    });
    return Promise.resolve({ reserved: true, before });
  }

  restart(
    pair: LoginPair,
    seen: Pick<PairState, 'attempts' | 'lastAt'>,
    level: number,
    now: Date,
  ): Promise<boolean> {
    this.calls.push('restart');
    const current = this.pairs.get(pairKey(pair));
    if (!current || current.attempts !== seen.attempts || current.lastAt !== seen.lastAt) {
      return Promise.resolve(false);
    }
    this.pairs.set(pairKey(pair), { attempts: 1, level, lastAt: now.getTime() });
    return Promise.resolve(true);
  }

  countFailure(email: string, window: number): Promise<void> {
    this.calls.push('countFailure');
    this.window(email, window).failures += 1;
    return Promise.resolve();
  }

  countRefusal(email: string, window: number): Promise<void> {
    this.calls.push('countRefusal');
    this.window(email, window).refusals += 1;
    return Promise.resolve();
  }

  reset(work: UnitOfWork, pair: LoginPair): void {
    this.calls.push('reset');
    inMemory(work).add({
      refused: () => undefined,
      apply: () => this.pairs.delete(pairKey(pair)),
    });
  }

  clear(email: string): Promise<void> {
    this.calls.push('clear');
    for (const key of [...this.pairs.keys()])
      if (key.startsWith(`${email}|`)) this.pairs.delete(key);
    for (const key of [...this.windows.keys()]) {
      if (key.startsWith(`${email}|`)) this.windows.delete(key);
    }
    return Promise.resolve();
  }

  /** Failures of the email in the window (what DynamoDbUsersRepository.findForSignIn reads). */
  failures(email: string, window: number): number {
    return this.windows.get(`${email}|${window}`)?.failures ?? 0;
  }

  window(email: string, window: number): { failures: number; refusals: number } {
    const key = `${email}|${window}`;
    const counts = this.windows.get(key) ?? { failures: 0, refusals: 0 };
    this.windows.set(key, counts);
    return counts;
  }
}

const pairKey = (pair: LoginPair): string => `${pair.email}|${pair.source}`;

/** A credential as stored in memory: with its pending tokens (verification, reset). */
export type StoredCredential = Credential & {
  readonly verify?: StoredAccountToken;
  readonly reset?: StoredAccountToken;
};

export class InMemoryUsersRepository extends UsersRepository {
  readonly profiles = new Map<string, UserProfile>();
  /** Credentials by normalized email. */
  readonly credentials = new Map<string, StoredCredential>();
  readonly calls: string[] = [];

  /** The window counters live with the lockout's items, as in the table. */
  constructor(readonly attempts = new InMemoryLoginAttemptsRepository()) {
    super();
  }

  create({ profile, passwordHash, verification }: NewAccount): Promise<void> {
    this.calls.push('create');
    if (this.credentials.has(profile.email)) return Promise.reject(new EmailTakenError());
    this.profiles.set(profile.id, profile);
    this.credentials.set(profile.email, {
      userId: profile.id,
      email: profile.email,
      passwordHash,
      emailVerified: profile.emailVerified,
      sessionCount: 0,
      verify: verification,
    });
    return Promise.resolve();
  }

  setVerificationToken(account: AccountKey, token: StoredAccountToken): Promise<void> {
    this.calls.push('setVerificationToken');
    const credential = this.credentials.get(account.email);
    if (credential?.userId !== account.userId) return Promise.reject(new UserNotFoundError());
    if (credential.emailVerified) return Promise.reject(new EmailAlreadyVerifiedError());
    this.credentials.set(account.email, { ...credential, verify: token });
    return Promise.resolve();
  }

  markEmailVerified(account: AccountKey, tokenHash: string, now: Date): Promise<void> {
    this.calls.push('markEmailVerified');
    const credential = this.credentials.get(account.email);
    const profile = this.profiles.get(account.userId);
    if (
      credential?.userId !== account.userId ||
      !profile ||
      credential.verify?.hash !== tokenHash ||
      credential.verify.expiresAt <= epochSeconds(now)
    ) {
      return Promise.reject(new InvalidAccountTokenError('email_verification'));
    }
    this.credentials.set(account.email, { ...credential, emailVerified: true, verify: undefined });
    this.profiles.set(account.userId, { ...profile, emailVerified: true });
    return Promise.resolve();
  }

  setResetToken(normalizedEmail: string, token: StoredAccountToken): Promise<string | undefined> {
    this.calls.push('setResetToken');
    const credential = this.credentials.get(normalizedEmail);
    if (!credential) return Promise.resolve(undefined);
    this.credentials.set(normalizedEmail, { ...credential, reset: token });
    return Promise.resolve(credential.userId);
  }

  resetPassword(
    account: AccountKey,
    tokenHash: string,
    passwordHash: string,
    now: Date,
  ): Promise<void> {
    this.calls.push('resetPassword');
    const credential = this.credentials.get(account.email);
    if (
      credential?.userId !== account.userId ||
      credential.reset?.hash !== tokenHash ||
      credential.reset.expiresAt <= epochSeconds(now)
    ) {
      return Promise.reject(new InvalidAccountTokenError('password_reset'));
    }
    this.credentials.set(account.email, {
      ...credential,
      passwordHash,
      emailVerified: true,
      reset: undefined,
      verify: undefined,
    });
    const profile = this.profiles.get(account.userId);
    if (profile) this.profiles.set(account.userId, { ...profile, emailVerified: true });
    return Promise.resolve();
  }

  addPasswordChange(work: UnitOfWork, account: AccountKey, passwordHash: string): void {
    this.calls.push('addPasswordChange');
    inMemory(work).add({
      refused: () =>
        this.credentials.get(account.email)?.userId === account.userId
          ? undefined
          : new UserNotFoundError(),
      apply: () => {
        const credential = this.credentials.get(account.email)!;
        this.credentials.set(account.email, { ...credential, passwordHash, reset: undefined });
      },
    });
  }

  addDeletion(work: UnitOfWork, account: AccountKey): void {
    this.calls.push('addDeletion');
    inMemory(work).add({
      refused: () =>
        this.credentials.get(account.email)?.userId === account.userId
          ? undefined
          : new UserNotFoundError(),
      apply: () => {
        this.credentials.delete(account.email);
        this.profiles.delete(account.userId);
      },
    });
  }

  findProfile(userId: string): Promise<UserProfile | undefined> {
    this.calls.push('findProfile');
    return Promise.resolve(this.profiles.get(userId));
  }

  findForSignIn(normalizedEmail: string, window: number): Promise<SignInState> {
    this.calls.push('findForSignIn');
    return Promise.resolve({
      credential: this.credentials.get(normalizedEmail),
      accountFailures: this.attempts.failures(normalizedEmail, window),
    });
  }

  countSession(work: UnitOfWork, normalizedEmail: string, change: SessionCount): void {
    this.calls.push('countSession');
    inMemory(work).add({
      refused: () =>
        this.credentials.has(normalizedEmail)
          ? undefined
          : new BadCredentialsError({ reason: 'unknown_account' }),
      apply: () => {
        const credential = this.credentials.get(normalizedEmail)!;
        this.credentials.set(normalizedEmail, {
          ...credential,
          sessionCount: change.kind === 'one_more' ? credential.sessionCount + 1 : change.sessions,
        });
      },
    });
  }
}
