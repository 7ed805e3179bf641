import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { CONFIG_VARIABLES } from "../../src/config.ts";
import { NGINX, nginxAvailable, nginxConfig, nginxGlobals, selfSignedCertificate } from "../support/deployRecipe.ts";
import { REPO_ROOT } from "../support/process.ts";
import { startTestServer } from "../support/testApp.ts";

// The parts of deploy/ no test runs on this machine (there is no container engine here): checked
// for syntax and for the facts the rest of the recipe relies on. `docker build` and `docker compose
// up` were not run; docs/deploy.md says so.

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  env_file?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  network_mode?: string;
  networks?: string[] | Record<string, { ipv4_address?: string }>;
  command?: string[];
  healthcheck?: unknown;
}

describe("the deployment recipe's files", () => {
  const dir = mkdtempSync(join(tmpdir(), "destek-recipe-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(nginxAvailable())("nginx -t accepts the recipe's configuration", () => {
    const conf = nginxConfig(dir, {
      upstreams: [3001, 3002],
      ports: { https: 4430, http: 8080, site: 8443, turnHop: 5350, turnTls: 5349 },
      cert: selfSignedCertificate(dir),
    });
    const test = spawnSync(NGINX, ["-t", "-p", dir, "-c", conf, "-g", nginxGlobals(dir)], { encoding: "utf8" });
    expect(test.status, test.stderr).toBe(0);
    expect(test.stderr).toContain("syntax is ok");
    expect(test.stderr).not.toMatch(/\[warn\]/);
  });

  it("nginx: WebSocket upgrade, no sticky sessions, uploads as large as destek takes, the client's address passed on", () => {
    const site = read("deploy/nginx/destek.conf");
    expect(site).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(site).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(site).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    const directives = site.replace(/#.*$/gm, "");
    expect(directives).not.toMatch(/ip_hash|sticky|\bhash\b/);
    const bodyMb = Number(site.match(/client_max_body_size (\d+)m;/)?.[1]);
    expect(bodyMb).toBeGreaterThan(Number(read("src/config.ts").match(/UPLOAD_MAX_MB: integer\(1, 1024\)\.default\((\d+)\)/)?.[1]));
    // Port 443 carries TURN over TLS to coturn's TLS port too.
    expect(read("deploy/nginx/turn-443.conf")).toContain("proxy_pass host.docker.internal:5349;");
    expect(read("deploy/coturn/turnserver.conf")).toMatch(/^tls-listening-port=5349$/m);
  });

  it("coturn: shared-secret mode on 3478, no secret of its own, private peers refused", () => {
    const conf = read("deploy/coturn/turnserver.conf");
    const active = conf.split("\n").filter((line) => line && !line.startsWith("#"));
    expect(active).toContain("use-auth-secret");
    expect(active).toContain("listening-port=3478");
    // coturn accepts every static-auth-secret given: a default one in the file would be a way in.
    expect(active.filter((line) => line.startsWith("static-auth-secret"))).toEqual([]);
    for (const range of ["10.0.0.0-10.255.255.255", "172.16.0.0-172.31.255.255", "192.168.0.0-192.168.255.255", "127.0.0.0-127.255.255.255"]) {
      expect(active).toContain(`denied-peer-ip=${range}`);
    }
  });

  it("compose.yaml: two destek nodes on PostgreSQL and Redis, coturn, and nginx with TLS in front", () => {
    const compose = parse(read("deploy/compose.yaml"), { merge: true }) as { services: Record<string, ComposeService> };
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual(["coturn", "destek1", "destek2", "nginx", "postgres", "redis"]);
    for (const name of ["destek1", "destek2"]) {
      const node = services[name]!;
      expect(node.build).toEqual({ context: "..", dockerfile: "deploy/Dockerfile" });
      expect(node.environment?.DATABASE_URL).toMatch(/^postgres:\/\/destek:.*@postgres:5432\/destek$/);
      expect(node.environment?.REDIS_URL).toBe("redis://redis:6379");
      // Both nodes share one data directory (attachments and recordings).
      expect(node.volumes).toContain("destek-data:/data");
      // Only nginx's fixed address is trusted for X-Forwarded-For.
      const nginxNetworks = services.nginx!.networks as Record<string, { ipv4_address?: string }>;
      expect(node.environment?.TRUST_PROXY).toBe(nginxNetworks.destek?.ipv4_address);
      expect(node.environment?.ICE_SERVERS).toMatch(/turn:\$\{TURN_DOMAIN\}:3478/);
      expect(node.environment?.ICE_SERVERS).toMatch(/turns:\$\{TURN_DOMAIN\}:443/);
    }
    expect(services.nginx!.ports).toEqual(["80:80", "443:443"]);
    for (const mount of services.nginx!.volumes!.filter((v) => v.startsWith("./"))) {
      expect(existsSync(join(REPO_ROOT, "deploy", mount.split(":")[0]!)), mount).toBe(true);
    }
    expect(services.nginx!.volumes).toContain("/etc/letsencrypt:/etc/letsencrypt:ro");
    expect(services.coturn!.network_mode).toBe("host");
    // The secret reaches coturn from deploy/.env, the same variable destek reads.
    expect(services.coturn!.command?.filter((arg) => /^--static-auth-secret=\$\{TURN_SECRET[:}]/.test(arg))).toHaveLength(1);
    expect(services.destek1!.env_file).toBe(".env");
    // Every variable compose reads from deploy/.env is in .env.example, and every line of that
    // file is either such a variable or one of destek's settings.
    const used = new Set([...read("deploy/compose.yaml").matchAll(/\$\{(\w+)/g)].map((m) => m[1]!));
    const example = read("deploy/.env.example");
    const given = [...example.matchAll(/^#?(\w+)=/gm)].map((m) => m[1]!);
    for (const name of used) expect(given, name).toContain(name);
    for (const name of given) expect(used.has(name) || CONFIG_VARIABLES.includes(name), name).toBe(true);
  });

  it("Dockerfile: multi-stage, ffmpeg, a non-root user, a data volume and a health check that works", async () => {
    const dockerfile = read("deploy/Dockerfile");
    const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\w+)$/gm)].map((m) => m[2]);
    expect(stages).toEqual(["build", "deps", "runtime"]);
    const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));
    expect(runtime).toMatch(/apt-get install .*ffmpeg/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(runtime).toMatch(/npm ci --omit=dev|COPY --from=deps \/app\/node_modules/);
    expect(runtime).toMatch(/^USER destek$/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/DATA_DIR=\/data/);
    expect(runtime).toMatch(/^CMD \["node", "bin\/destek.js", "serve"\]$/m);
    // What the runtime stage copies from the build context exists and is not ignored.
    const ignored = read(".dockerignore").split("\n").filter((line) => line && !line.startsWith("#"));
    for (const m of runtime.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of m[1]!.split(" ")) {
        expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
        expect(ignored, source).not.toContain(source);
      }
    }
    // The HEALTHCHECK's own command, run against a live destek: 0 when it answers, 1 when not.
    const check = JSON.parse(runtime.match(/HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])/)?.[1] ?? "null") as string[];
    expect(check.slice(0, 2)).toEqual(["node", "-e"]);
    // (Run asynchronously: the server answering it lives in this process.)
    const exitOf = (port: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ["-e", check[2]!], { env: { ...process.env, PORT: port }, stdio: "ignore" });
        child.once("error", reject).once("exit", (code) => resolve(code));
      });
    const t = await startTestServer();
    try {
      expect(await exitOf(new URL(t.url).port)).toBe(0);
    } finally {
      await t.close();
    }
    expect(await exitOf("1")).toBe(1);
  });

  it("systemd unit: non-root, restarts on failure, settings from a file, hardened", () => {
    const unit = read("deploy/systemd/destek.service");
    expect(unit).toMatch(/^User=destek$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/destek\/destek\.env$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node bin\/destek\.js serve$/m);
    for (const option of ["NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "ProtectHome=yes"]) expect(unit).toContain(option);
    if (existsSync("/usr/bin/systemd-analyze")) {
      // Its own unit file only: the machine need not have the destek user or the service's paths.
      const out = spawnSync("systemd-analyze", ["verify", join(REPO_ROOT, "deploy/systemd/destek.service")], { encoding: "utf8" });
      expect(out.stderr.split("\n").filter((line) => line.includes("destek.service") && !line.includes("Command /usr/bin/node is not executable"))).toEqual([]);
    }
  });
});
