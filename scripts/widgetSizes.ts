import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

// What the widget makes every visitor of a customer's site download, measured on the built dist/web
// (`npm run build`): the test (test/widget/size.test.ts) holds the budgets, the benchmark
// (bench/widgetSize.ts) reports the figures.

export interface SizedFile {
  /** Path under dist/web. */
  file: string;
  gzip: number;
}

export interface WidgetSizes {
  /** widget.js, the script tag's loader. */
  loader: SizedFile;
  /** What the frame loads first: frame.html's JS and CSS, and the larger visitor dictionary with its imports. */
  frame: SizedFile[];
  /** The chunks of each visitor dictionary (one per language). */
  dictionaries: SizedFile[][];
  /** The call screen and recorder, loaded only when a call starts. */
  call: SizedFile[];
}

export const gzipSize = (path: string): number => gzipSync(readFileSync(path), { level: 9 }).length;
export const total = (files: SizedFile[]): number => files.reduce((sum, f) => sum + f.gzip, 0);

export function widgetSizes(web: string): WidgetSizes {
  const sized = (file: string): SizedFile => ({ file, gzip: gzipSize(join(web, file)) });
  const assets = join(web, "widget", "assets");
  const html = readFileSync(join(web, "widget", "frame.html"), "utf8");
  const frameFiles = [...html.matchAll(/(?:src|href)="\/widget\/([^"]+\.(?:js|css))"/g)].map((m) => `widget/${m[1] ?? ""}`);
  const withImports = (file: string): string[] => {
    const imported = [...readFileSync(join(assets, file), "utf8").matchAll(/from\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1] ?? "");
    return [file, ...imported.flatMap(withImports)];
  };
  const dictionaries = readdirSync(assets)
    .filter((file) => /^(en|tr)-[\w-]+\.js$/.test(file))
    .map((file) => [...new Set(withImports(file))].map((f) => sized(`widget/assets/${f}`)));
  const largest = dictionaries.reduce<SizedFile[]>((a, b) => (total(a) >= total(b) ? a : b), []);
  const call = readdirSync(assets)
    .filter((file) => /^(CallScreen|recorderLeg)-[\w-]+\.(js|css)$/.test(file))
    .map((file) => sized(`widget/assets/${file}`));
  return { loader: sized("widget.js"), frame: [...frameFiles.map(sized), ...largest], dictionaries, call };
}
