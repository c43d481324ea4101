/**
 * The service account's connections to the directory, bound once and reused: a connect and a
 * bind for every search was most of what a UserInfo call cost (bench, "nauthera endpoints").
 * At most `size` are open; a caller beyond that waits for one. A connection whose operation
 * failed with anything but an LDAP result code (a dropped socket, a timeout) is closed, never
 * reused, and the operation is tried once more on a fresh one when the failed connection had
 * sat idle (the server may have closed it meanwhile). Idle connections close after `idleMs`, so
 * a quiet server holds no socket, and close() ends them all when the server stops.
 * Users' own binds (sign-in) never come here: they change who the connection is.
 */
import { Client, ResultCodeError } from 'ldapts';
import { DirectoryUnavailable, type LdapSettings } from './ldap-connection.ts';

interface Waiter {
  resolve: (client: Client) => void;
  reject: (error: unknown) => void;
}

export class ServiceConnections {
  private readonly idle: Array<{ client: Client; timer: NodeJS.Timeout }> = [];
  private readonly waiters: Waiter[] = [];
  private open = 0;
  private closed = false;

  constructor(private readonly settings: LdapSettings, private readonly size = 4, private readonly idleMs = 5_000) {}

  /** Runs work on a connection bound as the service account. */
  async use<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const first = await this.acquire();
    try {
      return await this.run(first.client, work);
    } catch (error) {
      if (error instanceof ResultCodeError || !first.reused) throw error;
    }
    // A connection that had been idle failed outside LDAP: once more, on a new one.
    return this.run((await this.acquire(true)).client, work);
  }

  private async run<T>(client: Client, work: (client: Client) => Promise<T>): Promise<T> {
    try {
      const result = await work(client);
      this.release(client, true);
      return result;
    } catch (error) {
      this.release(client, error instanceof ResultCodeError);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new DirectoryUnavailable('the directory connections were closed'));
    await Promise.all(this.idle.splice(0).map(({ client, timer }) => {
      clearTimeout(timer);
      this.open--;
      return client.unbind().catch(() => {});
    }));
  }

  private async acquire(fresh = false): Promise<{ client: Client; reused: boolean }> {
    if (this.closed) throw new DirectoryUnavailable('the directory connections were closed');
    while (!fresh && this.idle.length > 0) {
      const { client, timer } = this.idle.pop()!;
      clearTimeout(timer);
      if (client.isConnected) return { client, reused: true };
      this.discard(client);
    }
    if (this.open < this.size) return { client: await this.connect(), reused: false };
    return { client: await new Promise<Client>((resolve, reject) => this.waiters.push({ resolve, reject })), reused: true };
  }

  private async connect(): Promise<Client> {
    this.open++;
    const client = new Client({ url: this.settings.url, timeout: this.settings.timeoutMs, connectTimeout: this.settings.timeoutMs });
    try {
      await client.bind(this.settings.bindDN, this.settings.password);
      return client;
    } catch (error) {
      this.discard(client);
      throw error;
    }
  }

  private release(client: Client, healthy: boolean): void {
    if (!healthy || this.closed) {
      this.discard(client);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(client);
      return;
    }
    const timer = setTimeout(() => {
      const at = this.idle.findIndex((entry) => entry.client === client);
      if (at >= 0) this.idle.splice(at, 1);
      this.discard(client);
    }, this.idleMs);
    timer.unref();
    this.idle.push({ client, timer });
  }

  /** Closes a connection; a caller waiting for one gets a new connection in its place. */
  private discard(client: Client): void {
    this.open--;
    void client.unbind().catch(() => {});
    const waiter = this.closed ? undefined : this.waiters.shift();
    if (waiter) this.connect().then(waiter.resolve, waiter.reject);
  }
}
