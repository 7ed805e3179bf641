// What every visitor of a customer's site downloads: the loader, the frame's first load (with the
// visitor's dictionary), and the call code, which loads only when a call starts. Measured on the
// built dist/web, gzip level 9 (`npm run bench` builds it when missing); test/widget/size.test.ts
// holds the budgets.
import { resolve } from "node:path";
import { type SizedFile, total, widgetSizes } from "../scripts/widgetSizes.ts";
import { machine, markdownTable, saveResult } from "./support/report.ts";

const LOADER_TARGET = 6 * 1024;
const FRAME_TARGET = 40 * 1024;
const sizes = widgetSizes(resolve(import.meta.dirname, "..", "dist", "web"));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB (${bytes.toLocaleString("en")} B)`;
const verdict = (bytes: number, target: number) => (bytes <= target ? "met" : "**missed**");
const files = (list: SizedFile[]) => list.map((f) => `\`${f.file.replace(/^widget\/assets\//, "")}\``).join(", ");

const body = [
  "Gzip (level 9) of the built files; the frame's first load counts its visitor's dictionary (the larger of the two languages) with what it imports.",
  "",
  markdownTable(
    ["what", "when", "gzip", "target"],
    [
      ["loader `widget.js`", "every page view of the customer's site", kb(sizes.loader.gzip), `≤ 6 KB: ${verdict(sizes.loader.gzip, LOADER_TARGET)}`],
      ["frame: JS, CSS and one dictionary", "when the visitor opens the widget", kb(total(sizes.frame)), `≤ 40 KB: ${verdict(total(sizes.frame), FRAME_TARGET)}`],
      ["call screen and recorder", "only when a call starts", kb(total(sizes.call)), "not in the first load: met (test/widget/size.test.ts)"],
    ],
  ),
  "",
  `The frame's first load: ${files(sizes.frame)}. The call code: ${files(sizes.call)}.`,
].join("\n");
console.log(body);
saveResult({ name: "widget", title: "Widget download size", command: "npm run bench -- widget", date: new Date().toISOString().slice(0, 10), machine: machine(), body });
process.exit(0);
