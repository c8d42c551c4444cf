import {
  ClientExistsError,
  ClientsRepository,
  type StoredClient,
} from '../../src/clients/clients.repository.js';

/**
 * The clients repository in memory, recording each call: for unit specs of the clients module,
 * which mock only at the repository boundary. End-to-end tests use DynamoDB Local instead.
 */
export class InMemoryClientsRepository extends ClientsRepository {
  readonly items = new Map<string, StoredClient>();
  readonly calls: string[] = [];

  findById(clientId: string): Promise<StoredClient | undefined> {
    this.calls.push(`findById ${clientId}`);
    return Promise.resolve(this.items.get(clientId));
  }
  create(client: StoredClient): Promise<void> {
    this.calls.push(`create ${client.id}`);
    if (this.items.has(client.id)) {
      return Promise.reject(new ClientExistsError(`client ${client.id} already exists`));
    }
    this.items.set(client.id, client);
    return Promise.resolve();
  }
  upsert(client: StoredClient): Promise<void> {
    this.calls.push(`upsert ${client.id}`);
    const createdAt = this.items.get(client.id)?.createdAt ?? client.createdAt;
    this.items.set(client.id, { ...client, createdAt });
    return Promise.resolve();
  }
  delete(clientId: string): Promise<boolean> {
    this.calls.push(`delete ${clientId}`);
    return Promise.resolve(this.items.delete(clientId));
  }
  listAll(): Promise<StoredClient[]> {
    this.calls.push('listAll');
    return Promise.resolve([...this.items.values()].sort((a, b) => a.id.localeCompare(b.id)));
  }
}
