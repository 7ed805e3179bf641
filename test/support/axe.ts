import { createRequire } from "node:module";
import type { Frame, Page } from "playwright-core";

const axeSource: string = createRequire(import.meta.url)("axe-core").source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core in the page and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // evaluate() runs through DevTools, so the page's strict CSP (no inline scripts) stays on.
  await page.evaluate(`${axeSource};0`);
  const violations = (await page.evaluate("axe.run(document).then(r => r.violations)")) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** The same check inside an iframe (the widget frame). */
export async function seriousViolationsInFrame(frame: Frame): Promise<AxeViolation[]> {
  await frame.evaluate(`${axeSource};0`);
  const violations = (await frame.evaluate("axe.run(document).then(r => r.violations)")) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
