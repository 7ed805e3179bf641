// The readable page of the OpenAPI document (/api/docs): plain HTML rendered on the server, one
// section per tag, each operation with its scope, parameters, body and answers as type outlines.

/** The parts of an OpenAPI 3.1 document the page reads. */
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string }>;
  components?: { securitySchemes?: Record<string, { description?: string }> };
  paths?: Record<string, Record<string, OpenApiOperation>>;
}

export interface OpenApiOperation {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  description?: string;
  format?: string;
  default?: unknown;
  $ref?: string;
}

const html = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** `code` spans of the descriptions, after escaping. */
const prose = (value: string) => html(value).replace(/`([^`]+)`/g, "<code>$1</code>");

/** A JSON Schema as a short TypeScript-like outline, e.g. `{ body: string; clientId?: string }`. */
export function outline(schema: JsonSchema | undefined, depth = 0): string {
  if (!schema) return "unknown";
  if (depth > 6) return "…";
  if (schema.$ref) return schema.$ref.split("/").at(-1) ?? "unknown";
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((s) => outline(s, depth + 1)).join(" | ");
  if (schema.allOf) return schema.allOf.map((s) => outline(s, depth + 1)).join(" & ");
  const types = [schema.type ?? (schema.properties ? "object" : "unknown")].flat();
  return types
    .map((type) => {
      if (type === "array") return `${outline(schema.items, depth + 1)}[]`;
      if (type !== "object") return type === "integer" ? "integer" : type;
      if (!schema.properties) return typeof schema.additionalProperties === "object" ? `Record<string, ${outline(schema.additionalProperties, depth + 1)}>` : "object";
      const pad = "  ".repeat(depth + 1);
      const fields = Object.entries(schema.properties).map(([name, field]) => `${pad}${name}${schema.required?.includes(name) ? "" : "?"}: ${outline(field, depth + 1)};`);
      return `{\n${fields.join("\n")}\n${"  ".repeat(depth)}}`;
    })
    .join(" | ");
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function renderOperation(method: string, path: string, op: OpenApiOperation): string {
  const anchor = `${method}-${path}`.replace(/[^\w]+/g, "-");
  const scopes = (op.security ?? []).flatMap((s) => Object.values(s).flat());
  const parameters = op.parameters ?? [];
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const rows = parameters
    .map((p) => `<tr><td><code>${html(p.name)}</code></td><td>${html(p.in)}</td><td>${p.required ? "yes" : "no"}</td><td><code>${html(outline(p.schema))}</code></td><td>${prose(p.description ?? p.schema?.description ?? "")}</td></tr>`)
    .join("");
  const answers = Object.entries(op.responses ?? {})
    .map(([status, answer]) => {
      const schema = answer.content?.["application/json"]?.schema;
      const shape = schema && Number(status) < 400 ? `<pre>${html(outline(schema))}</pre>` : "";
      return `<li><strong>${html(status)}</strong> ${prose(answer.description ?? "")}${shape}</li>`;
    })
    .join("");
  return `<section class="op" id="${html(anchor)}" aria-labelledby="${html(anchor)}-h">
<h3 id="${html(anchor)}-h"><span class="method ${method}">${method.toUpperCase()}</span> <code>${html(path)}</code> ${html(op.summary ?? "")}</h3>
${op.description ? `<p>${prose(op.description).replaceAll("\n\n", "</p><p>")}</p>` : ""}
${scopes.length ? `<p class="scope">Scope: ${scopes.map((s) => `<code>${html(s)}</code>`).join(", ")}</p>` : ""}
${rows ? `<table><caption>Parameters</caption><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Type</th><th>About</th></tr></thead><tbody>${rows}</tbody></table>` : ""}
${body ? `<h4>Body (JSON)</h4><pre>${html(outline(body))}</pre>` : ""}
<h4>Answers</h4><ul>${answers}</ul>
</section>`;
}

/** The whole page. */
export function renderApiDocs(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  const index: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
      index.push(`<li><a href="#${`${method}-${path}`.replace(/[^\w]+/g, "-")}"><span class="method ${method}">${method.toUpperCase()}</span> ${html(path)}</a></li>`);
    }
  }
  const server = doc.servers?.[0]?.url ?? "";
  const sections = [...byTag].map(([tag, ops]) => `<section class="tag"><h2>${html(tag)}</h2>${ops.join("\n")}</section>`).join("\n");
  const bearer = doc.components?.securitySchemes?.bearerAuth?.description ?? "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(doc.info.title)}</title><link rel="stylesheet" href="/api/docs.css"></head>
<body><main>
<h1>${html(doc.info.title)} <small>${html(doc.info.version)}</small></h1>
<p>${prose(doc.info.description ?? "")}</p>
<h2>Authentication</h2>
<p>HTTP Bearer. ${prose(bearer)}</p>
<pre>curl -H "Authorization: Bearer dst_…" ${html(server)}/api/v1/conversations?status=open</pre>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${html("3.1")}).</p>
<nav aria-label="Operations"><ul>${index.join("")}</ul></nav>
${sections}
</main></body></html>`;
}

export const API_DOCS_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --code: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #30363d; --code: #161b22; } }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
h1 small { color: var(--muted); font-weight: normal; font-size: 0.6em; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 0 0 0.5rem; }
h4 { margin: 0.75rem 0 0.25rem; font-size: 0.95rem; }
.op { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; margin: 1rem 0; }
.method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 4px; padding: 0 0.3em; font: bold 0.8rem/1.6 ui-monospace, monospace; color: #fff; background: #57606a; }
.method.get { background: #0969da; } .method.post { background: #1a7f37; } .method.patch { background: #9a6700; } .method.delete { background: #cf222e; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.875em; }
pre { background: var(--code); padding: 0.6rem 0.8rem; border-radius: 6px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; display: block; overflow-x: auto; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
nav ul { columns: 2 18rem; padding-left: 1rem; } nav a { text-decoration: none; color: inherit; }
.scope { color: var(--muted); }
`;
