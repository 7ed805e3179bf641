import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP load balancer a test controls, in front of several nodes on loopback: each new connection
 * goes to the first node (in the order given) that accepts it, as nginx does with a `backup`
 * upstream and passive failover. While the first node is up every client lands on it; once it is
 * gone (killed: its connections close, new ones are refused), clients that reconnect to the same
 * address land on the next one. `routed` counts connections per node.
 */
export class TcpBalancer {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  port = 0;
  readonly routed: number[];

  constructor(private readonly targets: number[]) {
    this.routed = targets.map(() => 0);
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

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.pause();
    this.open.add(client);
    client.on("error", () => undefined);
    client.on("close", () => this.open.delete(client));
    this.tryTarget(client, 0);
  }

  /** Connects the client to target `index`, or to the next one if that one refuses. */
  private tryTarget(client: Socket, index: number): void {
    const port = this.targets[index];
    if (port === undefined || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = connect(port, "127.0.0.1");
    const refused = () => this.tryTarget(client, index + 1);
    upstream.once("error", refused);
    upstream.once("connect", () => {
      upstream.off("error", refused);
      this.routed[index] = (this.routed[index] ?? 0) + 1;
      this.open.add(upstream);
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
      upstream.on("close", () => {
        this.open.delete(upstream);
        client.destroy();
      });
      client.on("close", () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}
