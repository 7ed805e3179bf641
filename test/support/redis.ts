/** The Redis URL for tests. In CI a missing TEST_REDIS_URL is an error, never a silent skip. */
export function testRedisUrl(): string | undefined {
  const url = process.env.TEST_REDIS_URL;
  if (!url && process.env.CI) throw new Error("CI must set TEST_REDIS_URL so Redis tests run");
  return url;
}
