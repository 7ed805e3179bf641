import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: a couple of workers keeps argon2 and browser tests from starving each other.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
