import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, waitFor } from "./process.ts";
import { connect } from "node:net";

// The deployment recipe (deploy/) run by Debian's nginx and coturn on loopback. The recipe's files
// are used as they are, except for the lines named in each substitution below: addresses, ports,
// certificate paths and the secret, which differ between a VPS and a test. A substitution whose
// text is gone from the recipe fails the test, so the two cannot drift apart unnoticed.

export const NGINX = "/usr/sbin/nginx";
export const TURNSERVER = "/usr/bin/turnserver";
const STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so";

/** Whether Debian's nginx (with its stream module) is here; CI must have it, never skip. */
export function nginxAvailable(): boolean {
  const present = existsSync(NGINX) && existsSync(STREAM_MODULE);
  if (!present && process.env.CI) throw new Error("CI needs Debian's nginx and its stream module (apt-get install nginx libnginx-mod-stream) for the deployment tests");
  return present;
}

/** Whether Debian's coturn is here; CI must have it, never skip. */
export function turnserverAvailable(): boolean {
  const present = existsSync(TURNSERVER);
  if (!present && process.env.CI) throw new Error("CI needs Debian's coturn (apt-get install coturn) for the TURN test");
  return present;
}

/** A recipe file with each `[from, to]` replaced (all occurrences); throws if a `from` is missing. */
export function recipeFile(path: string, substitutions: Array<[string, string]>): string {
  let text = readFileSync(join(REPO_ROOT, "deploy", path), "utf8");
  for (const [from, to] of substitutions) {
    if (!text.includes(from)) throw new Error(`deploy/${path} no longer contains ${JSON.stringify(from)}: update the test's substitutions`);
    text = text.split(from).join(to);
  }
  return text;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made by openssl into `dir`. */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", key, "-out", cert,
  ], { stdio: "pipe" });
  return { cert, key };
}

export interface NginxPorts {
  /** The public HTTPS (and TURN over TLS) port: 443 in the recipe. */
  https: number;
  /** Plain HTTP: 80 in the recipe. */
  http: number;
  /** The internal TLS site behind the stream split: 8443 in the recipe. */
  site: number;
  /** The internal PROXY-protocol hop to coturn: 5350 in the recipe. */
  turnHop: number;
  /** coturn's TLS port: 5349 in the recipe. */
  turnTls: number;
}

/** A running nginx with the recipe's configuration; `stop` ends it and returns its error log. */
export interface Nginx {
  process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Writes the recipe's nginx files into `dir` with the test's upstreams, loopback ports and
 * certificate, and returns the main file. The substitutions are the same ones docs/deploy.md asks of
 * a single-machine install (upstreams on 127.0.0.1, coturn on 127.0.0.1).
 */
export function nginxConfig(dir: string, options: { upstreams: [number, number]; ports: NginxPorts; cert: { cert: string; key: string } }): string {
  const { upstreams, ports, cert } = options;
  mkdirSync(join(dir, "logs"), { recursive: true });
  mkdirSync(join(dir, "temp"), { recursive: true });
  // nginx's workers run as `nobody` (the master as root here): they must reach the temporary files.
  chmodSync(dir, 0o755);
  const site = recipeFile("nginx/destek.conf", [
    ["server destek1:3000;", `server 127.0.0.1:${upstreams[0]};`],
    ["server destek2:3000;", `server 127.0.0.1:${upstreams[1]};`],
    ["listen 80;\n    listen [::]:80;", `listen 127.0.0.1:${ports.http};`],
    ["listen 127.0.0.1:8443 ssl", `listen 127.0.0.1:${ports.site} ssl`],
    ["/etc/letsencrypt/live/support.example.com/fullchain.pem", cert.cert],
    ["/etc/letsencrypt/live/support.example.com/privkey.pem", cert.key],
    ["root /var/www/certbot;", `root ${join(dir, "certbot")};`],
  ]);
  const stream = recipeFile("nginx/turn-443.conf", [
    // The TURN host name, as the browser asks for it (TLS SNI) in a `turns:localhost:<port>` URL.
    ["turn.example.com", "localhost"],
    ["127.0.0.1:5350", `127.0.0.1:${ports.turnHop}`],
    ["127.0.0.1:8443", `127.0.0.1:${ports.site}`],
    ["listen 443;\n    listen [::]:443;", `listen 127.0.0.1:${ports.https};`],
    ["host.docker.internal:5349", `127.0.0.1:${ports.turnTls}`],
  ]);
  const main = recipeFile("nginx/nginx.conf", [
    // Debian's nginx on this machine: its stream module, loaded by path.
    ["include /etc/nginx/modules-enabled/*.conf;", `load_module ${STREAM_MODULE};`],
    // Logs and temporary files in the test's directory, not the system's.
    [
      "include /etc/nginx/destek/destek.conf;",
      [
        `include ${join(dir, "destek.conf")};`,
        `access_log ${join(dir, "logs", "access.log")};`,
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `${kind}_temp_path ${join(dir, "temp", kind)};`),
      ].join("\n    "),
    ],
    ["include /etc/nginx/destek/turn-443.conf;", `include ${join(dir, "turn-443.conf")};`],
    ["worker_processes auto;", "worker_processes 1;"],
  ]);
  writeFileSync(join(dir, "destek.conf"), site);
  writeFileSync(join(dir, "turn-443.conf"), stream);
  const file = join(dir, "nginx.conf");
  writeFileSync(file, main);
  return file;
}

/** The `-g` directives that keep nginx in the foreground with its pid file and error log in `dir`. */
export function nginxGlobals(dir: string): string {
  return `daemon off; pid ${join(dir, "nginx.pid")}; error_log ${join(dir, "logs", "error.log")} info;`;
}

/** Starts nginx on `conf` and waits until the public port takes connections. */
export async function startNginx(dir: string, conf: string, port: number): Promise<Nginx> {
  const child = spawn(NGINX, ["-p", dir, "-c", conf, "-g", nginxGlobals(dir)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    output += c;
  });
  child.stderr?.setEncoding("utf8").on("data", (c: string) => {
    output += c;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const log = () => `${output}\n${existsSync(join(dir, "logs", "error.log")) ? readFileSync(join(dir, "logs", "error.log"), "utf8") : ""}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}:\n${log()}`);
    return (await portOpen(port)) ? true : undefined;
  }, 20_000, () => `nginx on port ${port}:\n${log()}`);
  return {
    process: child,
    log,
    async stop() {
      if (child.exitCode === null) child.kill("SIGQUIT");
      await exited;
    },
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A running coturn with the recipe's configuration. */
export interface Turnserver {
  process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's coturn on the recipe's turnserver.conf. Changed for loopback: the listening and
 * relay address (127.0.0.1), the ports, and the ban on loopback peers (both browsers are on
 * 127.0.0.1 here, as no real peer may be). The realm, secret and certificate go on the command
 * line, as compose.yaml passes them.
 */
export async function startTurnserver(
  dir: string,
  options: { port: number; tlsPort: number; relayPorts: [number, number]; secret: string; cert: { cert: string; key: string } },
): Promise<Turnserver> {
  const conf = recipeFile("coturn/turnserver.conf", [
    ["listening-port=3478", `listening-port=${options.port}\nlistening-ip=127.0.0.1\nrelay-ip=127.0.0.1\nallow-loopback-peers`],
    ["tls-listening-port=5349", `tls-listening-port=${options.tlsPort}`],
    ["min-port=49160", `min-port=${options.relayPorts[0]}`],
    ["max-port=49200", `max-port=${options.relayPorts[1]}`],
    ["denied-peer-ip=127.0.0.0-127.255.255.255\n", ""],
    ["log-file=stdout", `log-file=${join(dir, "turn.log")}`],
  ]);
  const file = join(dir, "turnserver.conf");
  writeFileSync(file, conf);
  const child = spawn(
    TURNSERVER,
    ["-c", file, `--static-auth-secret=${options.secret}`, "--realm=turn.test", "--server-name=turn.test", `--cert=${options.cert.cert}`, `--pkey=${options.cert.key}`, `--pidfile=${join(dir, "turn.pid")}`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    output += c;
  });
  child.stderr?.setEncoding("utf8").on("data", (c: string) => {
    output += c;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const log = () => `${output}\n${existsSync(join(dir, "turn.log")) ? readFileSync(join(dir, "turn.log"), "utf8") : ""}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`turnserver exited ${child.exitCode}:\n${log()}`);
    return (await portOpen(options.port)) && (await portOpen(options.tlsPort)) ? true : undefined;
  }, 20_000, () => `turnserver on port ${options.port}:\n${log()}`);
  return {
    process: child,
    log,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
