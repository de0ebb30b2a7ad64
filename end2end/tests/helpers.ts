import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const jsEnabled = (testInfo: TestInfo) => testInfo.project.name === "js";

/**
 * Fails the test on any axe violation (WCAG 2.1 A and AA). axe is a script, so for the no-JS
 * project it runs in a second, script-enabled context with the portal's own bundle blocked: the
 * page it checks is exactly the HTML a visitor without JavaScript gets.
 */
export async function expectAccessible(page: Page, testInfo: TestInfo) {
  let target = page;
  let cleanup = async () => {};
  if (!jsEnabled(testInfo)) {
    const context = await page.context().browser()!.newContext({ javaScriptEnabled: true });
    await context.addCookies(await page.context().cookies());
    await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    target = await context.newPage();
    await target.goto(page.url());
    cleanup = () => context.close();
  }
  const results = await new AxeBuilder({ page: target }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  await cleanup();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * Collects console errors and uncaught exceptions; call the returned check at the end. Chromium
 * logs a page answered with an error status (a rejected form is 422, a failed sign-in 401) as a
 * console error; a test names the statuses it provokes on purpose.
 */
export function watchConsole(page: Page, expectedStatuses: number[] = []) {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const status = /responded with a status of (\d{3})/.exec(message.text());
    if (status && expectedStatuses.includes(Number(status[1]))) return;
    problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`exception: ${error.message}`));
  return () => expect(problems, "browser console").toEqual([]);
}

/** With JavaScript on, waits until the wasm bundle has hydrated the page. */
export async function waitForHydration(page: Page, testInfo: TestInfo) {
  if (jsEnabled(testInfo)) {
    await page.waitForFunction(() => (window as unknown as { __stykHydrated?: boolean }).__stykHydrated === true);
  }
}

/** Every demo person's password (README: demo sign-ins). */
export const DEMO_PASSWORD = "Styk-Demo-2026!";

/** Signs a customer in through the sign-in form, as a person would. */
export async function signIn(page: Page, testInfo: TestInfo, email: string, password: string) {
  await page.goto("/sign-in");
  await waitForHydration(page, testInfo);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
