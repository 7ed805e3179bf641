import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// widget.js: one classic, self-contained script (IIFE) that any site can include with async.
export default defineConfig({
	publicDir: false,
	build: {
		outDir: fileURLToPath(new URL("../../dist/web", import.meta.url)),
		// dist/web also holds the console and the frame; only widget.js is ours to write here.
		emptyOutDir: false,
		// Host pages run on browsers we do not choose; keep the syntax a little older than the frame's.
		target: "es2019",
		minify: true,
		lib: {
			entry: fileURLToPath(new URL("./loader/main.ts", import.meta.url)),
			formats: ["iife"],
			name: "destekLoader",
			fileName: () => "widget.js",
		},
	},
});
