// The deployment files: Dockerfile, docker-compose.helix.yml, deploy/** and k8s/**. Checks that
// everything they reference exists, that the external validators accept them (docker-compose,
// promtool: skipped locally when not installed, required in CI) and that Grafana and the alert
// rules only query metrics Helix exposes (lib/metrics/metric-names.ts).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { parseConfig } from "@/lib/config/parse";
import { HELIX_METRICS, unknownHelixMetrics } from "@/lib/metrics/metric-names";

const ROOT = path.resolve(import.meta.dirname, "..");
const read = (rel: string) => readFileSync(path.join(ROOT, rel), "utf8");
const exists = (rel: string) => existsSync(path.join(ROOT, rel));
const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** Runs an external validator; skips (locally) or fails (CI) when it is not installed. */
function runTool(ctx: TestContext, bin: string, args: string[], env: Record<string, string | undefined> = {}) {
  const which = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
  if (which.status !== 0) {
    if (IN_CI) throw new Error(`${bin} is not installed; .ci/run installs it (apt-get install docker-compose prometheus)`);
    console.warn(`skipped: ${bin} is not installed here (apt-get install -y docker-compose prometheus); CI runs this check`);
    ctx.skip();
  }
  const merged: NodeJS.ProcessEnv = { ...process.env };
  // undefined unsets a variable (so that only an --env-file can provide it).
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return spawnSync(bin, args, { cwd: ROOT, encoding: "utf8", env: merged });
}

/** Files matching a path that may end in a `*` glob in its last segment. */
function matches(rel: string): string[] {
  const clean = rel.replace(/^\.\//, "").replace(/\/$/, "");
  if (!clean.includes("*")) return exists(clean) ? [clean] : [];
  const dir = path.dirname(clean);
  const re = new RegExp(`^${path.basename(clean).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return exists(dir) ? readdirSync(path.join(ROOT, dir)).filter((f) => re.test(f)).map((f) => path.join(dir, f)) : [];
}

// ---- Dockerfile ----------------------------------------------------------------------------

interface CopyLine {
  from?: string;
  sources: string[];
  dest: string;
}

function dockerfileCopies(text: string): CopyLine[] {
  const joined = text.replace(/\\\n/g, " ");
  const out: CopyLine[] = [];
  for (const line of joined.split("\n")) {
    const m = /^\s*COPY\s+(.*)$/i.exec(line);
    if (!m) continue;
    const parts = m[1].trim().split(/\s+/);
    let from: string | undefined;
    const args = parts.filter((p) => {
      if (p.startsWith("--from=")) from = p.slice("--from=".length);
      return !p.startsWith("--");
    });
    out.push({ from, sources: args.slice(0, -1), dest: args[args.length - 1] });
  }
  return out;
}

/** Paths produced inside the build stages rather than taken from the repository. */
const BUILD_OUTPUTS = new Set(["node_modules", ".next", "/models"]);

describe("Dockerfile", () => {
  const text = read("Dockerfile");
  const copies = dockerfileCopies(text);
  const ignored = read(".dockerignore")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !l.startsWith("!"));

  it("copies only files that exist in the repository and are not excluded by .dockerignore", () => {
    expect(copies.length).toBeGreaterThan(5);
    const repoSources: string[] = [];
    for (const c of copies) {
      for (const src of c.sources) {
        if (c.from === "model") continue;
        if (c.from === undefined) repoSources.push(src);
        else {
          // COPY --from=build /app/<path>: the build stage holds the repository at /app.
          const rel = src.replace(/^\/app\/?/, "");
          if (BUILD_OUTPUTS.has(rel) || BUILD_OUTPUTS.has(src)) continue;
          repoSources.push(rel);
        }
      }
    }
    expect(repoSources).toEqual(expect.arrayContaining(["prisma/migrations", "lib/cache/embedders/*.mjs"]));
    for (const src of repoSources) {
      if (src === ".") continue;
      expect(matches(src), `COPY source ${src}`).not.toEqual([]);
      const first = src.split("/")[0];
      expect(ignored, `${src} is excluded by .dockerignore`).not.toContain(first);
      expect(ignored, `${src} is excluded by .dockerignore`).not.toContain(src);
    }
    // The embed worker's siblings it imports at run time.
    expect(matches("lib/cache/embedders/*.mjs")).toEqual(expect.arrayContaining(["lib/cache/embedders/embed-worker.mjs", "lib/cache/embedders/minilm-model.mjs", "lib/cache/embedders/use-lite-model.mjs"]));
  });

  it("is multi-stage, runs as a non-root user on port 4000 with a /health healthcheck and a data volume", () => {
    const stages = [...text.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);
    expect(stages).toEqual(["deps", "build", "model", "runtime"]);
    const runtime = text.slice(text.search(/^FROM .* AS runtime/m));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^EXPOSE 4000$/m);
    expect(runtime).toMatch(/PORT=4000/);
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/HELIX_DATA_DIR=\/data/);
    // The model download is a build-time option, off by default.
    expect(text).toMatch(/^ARG DOWNLOAD_EMBEDDING_MODEL=false$/m);
    expect(text).toContain('exec node server.mjs -p \\"$PORT\\" -H \\"$HOST\\"');
    expect(runtime).toMatch(/^COPY .*\/app\/server\.mjs/m);
  });

  it(".dockerignore keeps secrets and local state out of the build context", () => {
    for (const p of [".env", "node_modules", ".next", ".helix", ".git"]) expect(ignored).toContain(p);
  });
});

// ---- docker-compose.helix.yml ------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}

describe("docker-compose.helix.yml", () => {
  const compose = parseYaml(read("docker-compose.helix.yml"), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const services = compose.services;

  it("has every service, each with a restart policy; long-running ones with healthchecks", () => {
    expect(Object.keys(services).sort()).toEqual(["grafana", "helix", "nginx", "postgres", "prometheus", "redis", "redis-commander"]);
    for (const [name, s] of Object.entries(services)) {
      expect(s.restart, name).toBe("unless-stopped");
      if (name !== "redis-commander") expect(s.healthcheck?.test, name).toBeDefined();
    }
    expect(services.postgres.image).toMatch(/^pgvector\/pgvector:pg16/);
    expect(services.redis.image).toMatch(/^redis\/redis-stack-server/);
    // Helix's own port on loopback by default: nginx (public) refuses /metrics, so a port on every
    // interface would let clients around it.
    expect(services.helix.ports).toEqual(["${HELIX_BIND:-127.0.0.1}:${HELIX_PORT:-4000}:4000"]);
    expect(services.nginx.ports).toEqual(["${NGINX_PORT:-80}:80"]);
    expect(services.grafana.ports).toContain("3000:3000");
    expect(services.grafana.environment?.GF_SECURITY_ADMIN_PASSWORD).toContain("GRAFANA_PASSWORD");
    expect(services["redis-commander"].ports?.[0]).toMatch(/:8081$/);
    expect(services.helix.depends_on).toEqual({ postgres: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
    expect(services.helix.environment?.DATABASE_URL).toContain("@postgres:5432/");
    expect(services.helix.environment?.REDIS_URL).toBe("redis://redis:6379");
  });

  it("references only files that exist", () => {
    const referenced: string[] = [];
    for (const s of Object.values(services)) {
      if (s.build) referenced.push(s.build.context, path.join(s.build.context, s.build.dockerfile ?? "Dockerfile"));
      for (const v of s.volumes ?? []) {
        const host = v.split(":")[0];
        if (host.startsWith(".") || host.startsWith("/")) referenced.push(host);
        else expect(Object.keys(compose.volumes), `named volume ${host}`).toContain(host);
      }
    }
    // The config file Helix is pointed at by default lives in the ./config mount.
    const helixConfig = /:-([^}]+)\}/.exec(services.helix.environment?.HELIX_CONFIG ?? "")?.[1];
    expect(helixConfig).toBe("/app/config/helix.example.yaml");
    referenced.push(helixConfig!.replace(/^\/app\//, "./"));
    expect(referenced.length).toBeGreaterThan(8);
    for (const rel of referenced) expect(exists(rel), rel).toBe(true);
  });

  it("validates with docker-compose config", (ctx) => {
    const r = runTool(ctx, "docker-compose", ["-f", "docker-compose.helix.yml", "config", "--quiet"], { POSTGRES_PASSWORD: "test-pg", GRAFANA_PASSWORD: "test-grafana" });
    expect(r.stderr + r.stdout, "docker-compose config").not.toMatch(/error|invalid/i);
    expect(r.status).toBe(0);
  });

  it("publishes Helix on loopback only once Compose resolves the defaults", (ctx) => {
    const emptyEnv = path.join(mkdtempSync(path.join(tmpdir(), "helix-compose-")), "empty.env");
    writeFileSync(emptyEnv, "");
    const r = runTool(ctx, "docker-compose", ["--env-file", emptyEnv, "-f", "docker-compose.helix.yml", "config"], {
      POSTGRES_PASSWORD: "test-pg",
      GRAFANA_PASSWORD: "test-grafana",
      HELIX_BIND: "",
      HELIX_PORT: "",
    });
    expect(r.status, r.stderr).toBe(0);
    const resolved = parseYaml(r.stdout) as { services: Record<string, { ports?: (string | { host_ip?: string; target: number })[] }> };
    const ports = resolved.services.helix.ports ?? [];
    expect(ports.length).toBe(1);
    // docker-compose v1 prints "127.0.0.1:4000:4000/tcp", Compose v2 the long form.
    const p = ports[0];
    expect(typeof p === "string" ? p.split(":")[0] : p.host_ip).toBe("127.0.0.1");
  });

  it("refuses to start without the passwords (no insecure defaults)", (ctx) => {
    const env = { POSTGRES_PASSWORD: "", GRAFANA_PASSWORD: "" };
    // An empty env file: a developer's .env must not fill them in.
    const emptyEnv = path.join(mkdtempSync(path.join(tmpdir(), "helix-compose-")), "empty.env");
    writeFileSync(emptyEnv, "");
    const r = runTool(ctx, "docker-compose", ["--env-file", emptyEnv, "-f", "docker-compose.helix.yml", "config", "--quiet"], env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/set (POSTGRES|GRAFANA)_PASSWORD in \.env/);
  });

  it("refuses to start on an unedited copy of .env.example", (ctx) => {
    const r = runTool(ctx, "docker-compose", ["--env-file", ".env.example", "-f", "docker-compose.helix.yml", "config", "--quiet"], {
      POSTGRES_PASSWORD: undefined,
      GRAFANA_PASSWORD: undefined,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/set (POSTGRES|GRAFANA)_PASSWORD in \.env/);
  });

  it(".env.example documents the compose variables and keeps Helix's own", () => {
    const envExample = read(".env.example");
    for (const v of ["POSTGRES_PASSWORD", "GRAFANA_PASSWORD", "MASTER_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "DATABASE_URL", "REDIS_URL", "HELIX_BIND", "HELIX_PORT", "NGINX_PORT"]) {
      expect(envExample).toMatch(new RegExp(`^#? ?${v}=`, "m"));
    }
  });

  it(".env.example ships no secret values: `cp .env.example .env` must not satisfy the password checks", () => {
    const secretLike = /PASSWORD|SECRET|TOKEN|(^|_)KEY$|_API_KEY$|MASTER_KEY/;
    const assignments = [...read(".env.example").matchAll(/^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ commented: Boolean(m[1]), name: m[2], value: m[3].trim() }));
    const secrets = assignments.filter((a) => secretLike.test(a.name));
    expect(secrets.map((a) => a.name)).toEqual(expect.arrayContaining(["POSTGRES_PASSWORD", "GRAFANA_PASSWORD", "MASTER_KEY", "ADMIN_PASSWORD", "NEXTAUTH_SECRET", "OPENAI_API_KEY"]));
    for (const a of secrets) {
      // Commented lines may show a key's shape ("pk-lf-..."), never a usable value.
      if (a.commented && a.value.endsWith("...")) continue;
      expect(a.value, `${a.name} in .env.example must be empty`).toBe("");
    }
  });
});

// ---- Prometheus --------------------------------------------------------------------------------

describe("Prometheus config and alert rules", () => {
  const rules = parseYaml(read("deploy/prometheus/helix_rules.yml")) as { groups: { rules: { alert: string; expr: string }[] }[] };
  const allRules = rules.groups.flatMap((g) => g.rules);

  it("scrapes helix:4000/metrics and loads the rules file", () => {
    const cfg = parseYaml(read("deploy/prometheus/prometheus.yml")) as {
      rule_files: string[];
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const helix = cfg.scrape_configs.find((s) => s.job_name === "helix");
    expect(helix?.metrics_path).toBe("/metrics");
    expect(helix?.static_configs[0].targets).toContain("helix:4000");
    for (const f of cfg.rule_files) expect(exists(path.join("deploy/prometheus", f)), f).toBe(true);
  });

  it("alerts on errors, upstream errors, p95 latency, budgets, instance down and cache hit rate, using only Helix metric names", () => {
    const byName = new Map(allRules.map((r) => [r.alert, r.expr]));
    expect(byName.get("HelixInstanceDown")).toMatch(/up\{job="helix"\} == 0/);
    expect(byName.get("HelixHighErrorRate")).toContain(HELIX_METRICS.requestsTotal);
    expect(byName.get("HelixUpstreamErrors")).toContain(HELIX_METRICS.upstreamErrorsTotal);
    expect(byName.get("HelixHighLatencyP95")).toMatch(/histogram_quantile\(0\.95, .*helix_request_duration_seconds_bucket/);
    expect(byName.get("HelixBudgetNearlySpent")).toMatch(/helix_budget_utilization_ratio\) > 0\.9/);
    expect(byName.get("HelixCacheHitRateDrop")).toContain(HELIX_METRICS.cacheLookupsTotal);
    for (const r of allRules) expect(unknownHelixMetrics(r.expr), r.alert).toEqual([]);
  });

  it("passes promtool check config", (ctx) => {
    const r = runTool(ctx, "promtool", ["check", "config", "deploy/prometheus/prometheus.yml"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("passes promtool check rules", (ctx) => {
    const r = runTool(ctx, "promtool", ["check", "rules", "deploy/prometheus/helix_rules.yml"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`SUCCESS: ${allRules.length} rules found`);
  });
});

// ---- Grafana -----------------------------------------------------------------------------------

interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

describe("Grafana provisioning and dashboard", () => {
  const dashboard = JSON.parse(read("deploy/grafana/dashboards/helix.json")) as {
    uid: string;
    panels: GrafanaPanel[];
    templating: { list: { query: { query: string } }[] };
  };
  const panels = dashboard.panels.filter((p) => p.type !== "row");
  const datasource = parseYaml(read("deploy/grafana/provisioning/datasources/prometheus.yml")) as { datasources: { uid: string; url: string }[] };

  it("every panel queries the provisioned datasource and names only metrics Helix exposes", () => {
    const uid = datasource.datasources[0].uid;
    expect(datasource.datasources[0].url).toBe("http://prometheus:9090");
    expect(panels.length).toBeGreaterThanOrEqual(15);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe(uid);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) {
        expect(t.expr, p.title).toMatch(/\bhelix_[a-z]/);
        expect(unknownHelixMetrics(t.expr), `${p.title}: ${t.expr}`).toEqual([]);
      }
    }
    for (const v of dashboard.templating.list) expect(unknownHelixMetrics(v.query.query)).toEqual([]);
  });

  it("covers traffic, errors, latency, overhead, TTFT, spend, savings, cache, PII, budgets, refusals, in-flight and process metrics", () => {
    const exprs = panels.flatMap((p) => p.targets!.map((t) => t.expr)).join("\n");
    for (const name of [
      "helix_requests_total",
      "helix_request_duration_seconds_bucket",
      "helix_gateway_overhead_seconds_bucket",
      "helix_time_to_first_token_seconds_bucket",
      "helix_cost_usd_total",
      "helix_savings_usd_total",
      'helix_cache_lookups_total{instance=~"$instance",result="hit"}',
      "helix_pii_detections_total",
      "helix_budget_utilization_ratio",
      "helix_rate_limit_rejections_total",
      "helix_requests_in_flight",
      "helix_process_resident_memory_bytes",
      "helix_process_cpu_seconds_total",
      "helix_upstream_errors_total",
    ]) {
      expect(exprs, name).toContain(name);
    }
    expect(exprs).toMatch(/sum by \(type\) \(rate\(helix_cache_lookups_total/); // exact vs semantic
    expect(exprs).toMatch(/sum by \(entity, action\) \(increase\(helix_pii_detections_total/);
  });

  it("the dashboard provider loads the folder the compose file mounts the JSON into", () => {
    const provider = parseYaml(read("deploy/grafana/provisioning/dashboards/helix.yml")) as { providers: { options: { path: string } }[] };
    const compose = read("docker-compose.helix.yml");
    expect(compose).toContain(`./deploy/grafana/dashboards:${provider.providers[0].options.path}:ro`);
  });
});

// ---- nginx -------------------------------------------------------------------------------------

describe("nginx.conf", () => {
  const conf = read("deploy/nginx/nginx.conf");
  it("is streaming-safe: no buffering, long timeouts, HTTP/1.1 keep-alive upstream, a body limit", () => {
    expect(conf).toMatch(/^\s*proxy_buffering off;/m);
    expect(conf).toMatch(/^\s*proxy_request_buffering off;/m);
    expect(conf).toMatch(/^\s*proxy_http_version 1\.1;/m);
    expect(conf).toMatch(/^\s*keepalive \d+;/m);
    expect(Number(/proxy_read_timeout (\d+)s;/.exec(conf)?.[1])).toBeGreaterThanOrEqual(600);
    expect(conf).toMatch(/^\s*client_max_body_size \d+m;/m);
    expect(conf).toMatch(/server helix:4000/);
  });

  it("forwards the client's Host with its port, the same in Host and X-Forwarded-Host (the dashboard's same-origin check)", () => {
    // $host has no port: behind nginx on :8080 the dashboard would compare Origin
    // http://h:8080 with host "h" and refuse every write as cross-site.
    const header = (name: string) => new RegExp(`^\\s*proxy_set_header ${name} (\\S+);`, "m").exec(conf)?.[1];
    const host = header("Host");
    expect(host).toBeDefined();
    expect(header("X-Forwarded-Host")).toBe(host);
    expect(conf).not.toMatch(/proxy_set_header (Host|X-Forwarded-Host) \$host;/);
    if (host !== "$http_host") {
      // A map over $http_host, falling back to $host only when the client sent no Host.
      const map = new RegExp(`map \\$http_host \\${host} \\{([^}]*)\\}`).exec(conf)?.[1];
      expect(map, `${host} must be mapped from $http_host`).toBeDefined();
      expect(map).toMatch(/^\s*default\s+\$http_host;/m);
      expect(map).toMatch(/^\s*""\s+\$host;/m);
    }
  });
});

// ---- Kubernetes --------------------------------------------------------------------------------

interface K8sDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

describe("k8s/", () => {
  const files = readdirSync(path.join(ROOT, "k8s"))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const docs: K8sDoc[] = files.flatMap((f) =>
    parseAllDocuments(read(path.join("k8s", f))).map((d) => {
      expect(d.errors, f).toEqual([]);
      return d.toJS() as K8sDoc;
    }),
  );
  const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

  it("parses, namespaces everything, and applies in order (namespace first)", () => {
    expect(files[0]).toBe("00-namespace.yaml");
    expect(docs[0]).toMatchObject({ kind: "Namespace", metadata: { name: "helix" } });
    for (const d of docs) {
      expect(d.apiVersion, d.kind).toBeTruthy();
      if (d.kind !== "Namespace") expect(d.metadata.namespace, `${d.kind}/${d.metadata.name}`).toBe("helix");
    }
  });

  it("Deployment: ≥2 replicas, probes, resources, non-root, read-only root fs with a writable data dir, config and secret", () => {
    const dep = find("Deployment", "helix")!;
    expect(dep).toBeDefined();
    expect(dep.spec.replicas).toBeGreaterThanOrEqual(2);
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    expect(c.livenessProbe.httpGet.path).toBe("/health");
    expect(c.readinessProbe.httpGet.path).toBe("/health/readiness");
    expect(c.resources.requests.cpu).toBeTruthy();
    expect(c.resources.requests.memory).toBeTruthy();
    expect(c.resources.limits.memory).toBeTruthy();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const mounts = new Map(c.volumeMounts.map((m: { name: string; mountPath: string }) => [m.mountPath, m.name]));
    const volumes = new Map(pod.volumes.map((v: { name: string }) => [v.name, v]));
    expect(volumes.get(mounts.get(env.HELIX_DATA_DIR) as string)).toHaveProperty("emptyDir");
    // The embedding model folder is on a writable mounted volume: the image's default
    // (/app/models) is read-only under readOnlyRootFilesystem, so a hub download could not be kept.
    expect(env.HELIX_MODEL_DIR, "HELIX_MODEL_DIR must be set: the image's /app/models is read-only").toBeDefined();
    const modelMount = (c.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[]).find(
      (m) => env.HELIX_MODEL_DIR === m.mountPath || env.HELIX_MODEL_DIR.startsWith(`${m.mountPath.replace(/\/$/, "")}/`),
    );
    expect(modelMount, `HELIX_MODEL_DIR=${env.HELIX_MODEL_DIR} is not on a mounted volume`).toBeDefined();
    expect(modelMount!.readOnly ?? false).toBe(false);
    const modelVolume = volumes.get(modelMount!.name) as Record<string, unknown>;
    expect(Boolean(modelVolume.emptyDir ?? modelVolume.persistentVolumeClaim), `${modelMount!.name} is writable storage`).toBe(true);
    // The init container that seeds it writes to the same volume.
    const init = (pod.initContainers ?? []).find((ic: { command?: string[] }) => ic.command?.join(" ").includes(env.HELIX_MODEL_DIR));
    expect(init?.volumeMounts.map((m: { name: string }) => m.name)).toContain(modelMount!.name);
    // helix.yaml from the ConfigMap, at the path HELIX_CONFIG names.
    const configVolume = volumes.get(mounts.get(path.dirname(env.HELIX_CONFIG)) as string) as { configMap: { name: string } };
    const cm = find("ConfigMap", configVolume.configMap.name)!;
    expect(cm.data?.[path.basename(env.HELIX_CONFIG)]).toBeDefined();
    // Secret referenced by envFrom exists (as a template).
    const secretName = c.envFrom[0].secretRef.name;
    const secret = find("Secret", secretName)!;
    expect(secret.stringData?.DATABASE_URL).toBeDefined();
    expect(secret.stringData?.MASTER_KEY).toContain("REPLACE_ME");
    // The pod template's labels select it for the Service, HPA and PDB.
    expect(dep.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "helix" });
  });

  it("the ConfigMap's helix.yaml is a valid Helix config", () => {
    const result = parseConfig(find("ConfigMap", "helix-config")!.data!["helix.yaml"], "k8s helix.yaml");
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("Service helix-proxy on port 4000, HPA and PDB target the Deployment", () => {
    const svc = find("Service", "helix-proxy")!;
    expect(svc.spec.ports[0].port).toBe(4000);
    expect(svc.spec.selector).toEqual({ "app.kubernetes.io/name": "helix" });
    const hpa = docs.find((d) => d.kind === "HorizontalPodAutoscaler")!;
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: "helix" });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    const pdb = docs.find((d) => d.kind === "PodDisruptionBudget")!;
    expect(pdb.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "helix" });
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
  });

  it("PostgreSQL (pgvector) and Redis Stack run in the cluster at the hosts the Secret points to", () => {
    const pg = find("StatefulSet", "postgres")!;
    expect(pg.spec.template.spec.containers[0].image).toMatch(/^pgvector\/pgvector:pg16/);
    expect(pg.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBeTruthy();
    expect(find("Service", "postgres")).toBeDefined();
    const redis = find("StatefulSet", "redis")!;
    expect(redis.spec.template.spec.containers[0].image).toMatch(/^redis\/redis-stack-server/);
    expect(find("Service", "redis")).toBeDefined();
    const secret = find("Secret", "helix-secrets")!.stringData!;
    expect(secret.DATABASE_URL).toContain("@postgres.helix.svc.cluster.local:5432/helix");
    expect(secret.REDIS_URL).toBe("redis://redis.helix.svc.cluster.local:6379");
    // Every Secret key a workload reads exists in the template.
    for (const d of docs.filter((x) => x.kind === "StatefulSet")) {
      for (const e of d.spec.template.spec.containers[0].env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) expect(find("Secret", ref.name)?.stringData?.[ref.key], `${d.metadata.name}: ${ref.key}`).toBeDefined();
      }
    }
  });
});
