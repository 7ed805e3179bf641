import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The widget app: frame.html plus hashed assets, served by destek at /widget/ under a strict CSP.
const frameRoot = fileURLToPath(new URL("./frame", import.meta.url));
const apiTarget = process.env.DESTEK_API_URL ?? "http://localhost:3000";

export default defineConfig({
	root: frameRoot,
	base: "/widget/",
	publicDir: false,
	oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
	build: {
		outDir: fileURLToPath(new URL("../../dist/web/widget", import.meta.url)),
		emptyOutDir: true,
		target: "es2020",
		// One entry chunk and no dynamic imports: the preload polyfill would only add bytes.
		modulePreload: { polyfill: false },
		rolldownOptions: { input: fileURLToPath(new URL("./frame/frame.html", import.meta.url)) },
	},
	server: {
		proxy: {
			"/api": { target: apiTarget, changeOrigin: false },
			"/socket.io": { target: apiTarget, ws: true, changeOrigin: false },
		},
	},
});
