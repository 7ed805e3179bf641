import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const consoleRoot = fileURLToPath(new URL("./console", import.meta.url));
const consoleOutDir = fileURLToPath(new URL("../dist/web/console", import.meta.url));

// During `vite` dev, API calls go to the Fastify server (override with DESTEK_API_URL).
const apiTarget = process.env.DESTEK_API_URL ?? "http://localhost:3000";

export default defineConfig({
	root: consoleRoot,
	base: "/console/",
	// Vite's built-in oxc transform handles JSX for Preact, so no Babel preset is needed.
	oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
	build: {
		outDir: consoleOutDir,
		emptyOutDir: true,
		target: "es2022",
		// Pages load as chunks (ui/lazyPage.tsx); every browser the console supports has modulepreload.
		modulePreload: { polyfill: false },
		// The console, and the Telegram Mini App's page (served at /telegram/app).
		rollupOptions: {
			input: { console: fileURLToPath(new URL("./console/index.html", import.meta.url)), telegram: fileURLToPath(new URL("./console/telegram.html", import.meta.url)) },
		},
	},
	server: {
		proxy: { "/api": { target: apiTarget, changeOrigin: false } },
	},
});
