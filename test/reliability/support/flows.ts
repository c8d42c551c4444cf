import type { Agent } from 'node:http';
import { call, type Answer } from './http.js';

/**
 * The service's operations as a client calls them, each one HTTP request. They return the answer
 * whatever its status: the tests decide what was expected.
 */

export const PASSWORD = 'correct horse battery staple';
export const CLIENT_ID = 'demo-app';

export interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
}

let emails = 0;
/** An email no other test run uses. */
export function uniqueEmail(prefix: string): string {
  emails += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${emails}@example.com`;
}

export class Api {
  constructor(
    readonly base: string,
    private readonly agent?: Agent,
  ) {}

  private bearer(access: string) {
    return { authorization: `Bearer ${access}` };
  }

  health(): Promise<Answer> {
    return call(this.base, 'GET', '/health', { agent: this.agent });
  }

  register(email: string, password = PASSWORD): Promise<Answer> {
    return call(this.base, 'POST', '/user', { json: { email, password }, agent: this.agent });
  }

  passwordGrant(email: string, password = PASSWORD, clientId = CLIENT_ID): Promise<Answer> {
    return call(this.base, 'POST', '/oauth/token', {
      form: { grant_type: 'password', username: email, password, client_id: clientId },
      agent: this.agent,
    });
  }

  refresh(refreshToken: string, clientId = CLIENT_ID): Promise<Answer> {
    return call(this.base, 'POST', '/oauth/token', {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId },
      agent: this.agent,
    });
  }

  revoke(token: string, clientId = CLIENT_ID): Promise<Answer> {
    return call(this.base, 'POST', '/oauth/revoke', {
      form: { token, client_id: clientId },
      agent: this.agent,
    });
  }

  me(access: string): Promise<Answer> {
    return call(this.base, 'GET', '/user', { headers: this.bearer(access), agent: this.agent });
  }

  sessions(access: string): Promise<Answer> {
    return call(this.base, 'GET', '/user/sessions', {
      headers: this.bearer(access),
      agent: this.agent,
    });
  }

  /** The original API: POST /session (sign in). */
  legacySignIn(email: string, clientId = CLIENT_ID): Promise<Answer> {
    return call(this.base, 'POST', '/session', {
      headers: { 'x-koms-clientid': clientId },
      json: { account_type: 'traditional', email, password: PASSWORD },
      agent: this.agent,
    });
  }

  /** PUT /session: refresh with the latest access token and the refresh token. */
  legacyRefresh(access: string, refreshToken: string, clientId = CLIENT_ID): Promise<Answer> {
    return call(this.base, 'PUT', '/session', {
      headers: { 'x-koms-clientid': clientId, ...this.bearer(access) },
      json: { refresh_token: refreshToken },
      agent: this.agent,
    });
  }

  legacyExpiry(access: string, clientId = CLIENT_ID): Promise<Answer> {
    return call(this.base, 'GET', '/session', {
      headers: { 'x-koms-clientid': clientId, ...this.bearer(access) },
      agent: this.agent,
    });
  }

  legacySignOut(access: string, clientId = CLIENT_ID): Promise<Answer> {
    return call(this.base, 'DELETE', '/session', {
      headers: { 'x-koms-clientid': clientId, ...this.bearer(access) },
      agent: this.agent,
    });
  }
}

/** Describes an answer in one line for assertion messages (no tokens: bodies are cut short). */
export function describeAnswer(answer: Answer): string {
  return `${answer.status} ${answer.text.slice(0, 120)}`;
}

/** The tokens of a 200 token answer, or an error naming what came instead. */
export function tokensOf(answer: Answer): Tokens {
  if (answer.status !== 200 || typeof answer.body?.refresh_token !== 'string') {
    throw new Error(`expected tokens, got ${describeAnswer(answer)}`);
  }
  return answer.body as Tokens;
}
