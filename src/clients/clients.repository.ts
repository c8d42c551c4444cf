import type { OAuthClient } from './client.js';

/** A client as stored: the domain object plus what only the registry needs. */
export interface StoredClient extends OAuthClient {
  /** `sha256:<base64url>` of the secret (client-secret.ts); absent for public clients. */
  readonly secretHash?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export class ClientExistsError extends Error {
  override readonly name = 'ClientExistsError';
}

/** Storage of OAuth clients; the abstract class is the injection token. */
export abstract class ClientsRepository {
  /** Client by id: every client authentication (behind the service's cache). */
  abstract findById(clientId: string): Promise<StoredClient | undefined>;
  /** Registers a new client; ClientExistsError when the id is taken (CLI `clients create`). */
  abstract create(client: StoredClient): Promise<void>;
  /**
   * Writes the client whether or not it exists, keeping the first createdAt (start-up declarations:
   * demo-app, BOOTSTRAP_CLIENTS). Fields the client lacks are removed from the stored item.
   */
  abstract upsert(client: StoredClient): Promise<void>;
  /** Removes the client; false when there was none. */
  abstract delete(clientId: string): Promise<boolean>;
  /** Every client, for the CLI's `clients list`. Not for request paths. */
  abstract listAll(): Promise<StoredClient[]>;
}
