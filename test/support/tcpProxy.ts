import { createServer, type Server, type Socket, connect } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy a test controls, in front of a real server (PostgreSQL, Redis): `cut()` drops every
 * connection and refuses new ones, as a restart or failover does; `restore()` lets them through again.
 */
export class TcpProxy {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private refusing = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Connections open through the proxy right now (client and server sides each count once). */
  get connections(): number {
    return this.open.size;
  }

  /** Drops every connection and refuses (resets) new ones until `restore()`. */
  cut(): void {
    this.refusing = true;
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  restore(): void {
    this.refusing = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.open.add(from);
      from.on("error", () => to.destroy());
      from.on("close", () => {
        this.open.delete(from);
        to.destroy();
      });
      from.pipe(to);
    }
  }
}
