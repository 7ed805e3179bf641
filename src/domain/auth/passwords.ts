import { hash, verify } from "@node-rs/argon2";
import { invalid } from "../errors.ts";

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

// argon2id with OWASP's recommended cost (19 MiB, 2 passes).
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function checkPasswordPolicy(password: string): void {
  if (password.length < PASSWORD_MIN) throw invalid("weak_password", `The password must be at least ${PASSWORD_MIN} characters.`);
  if (password.length > PASSWORD_MAX) throw invalid("weak_password", `The password must be at most ${PASSWORD_MAX} characters.`);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password. With no stored hash (unknown user) it still does the same work against a
 * dummy hash, so a wrong username and a wrong password take the same time.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= hash("destek-dummy-password", ARGON2);
  const target = stored ?? (await dummyHash);
  const ok = await verify(target, password).catch(() => false);
  return ok && stored !== undefined;
}
