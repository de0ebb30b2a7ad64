import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { expectAccessible, jsEnabled, waitForHydration, watchConsole } from "./helpers";

const DEMO_PASSWORD = "Styk-Demo-2026!";

async function signIn(page: Page, testInfo: TestInfo, email: string) {
  await page.goto("/sign-in");
  await waitForHydration(page, testInfo);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

type Exported = { touchpoints: { journey: string; step: string; outcome: string; signals: string[] }[] };

async function myData(page: Page): Promise<Exported> {
  const response = await page.request.get("/account/activity/export");
  expect(response.status()).toBe(200);
  return (await response.json()) as Exported;
}

test("rage clicks and an abandoned form reach the journal", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "rage clicks and abandoned forms are seen by the browser's script");
  const consoleIsClean = watchConsole(page);
  await signIn(page, testInfo, "piotr@demo.styk.pl");
  await waitForHydration(page, testInfo);

  // Four quick clicks on the account's name, which does nothing: a rage click.
  const heading = page.getByRole("heading", { level: 1 });
  const box = (await heading.boundingBox())!;
  for (let i = 0; i < 4; i++) await page.mouse.click(box.x + 12, box.y + box.height / 2);

  // Start changing the password, then leave for another page without sending the form.
  await page.getByRole("link", { name: "Sign-in and security" }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  const passwordForm = page.locator('form:has(input[name="form"][value="change_password"])');
  await passwordForm.getByLabel("Current password").fill("half-typed secret");
  await page.getByRole("link", { name: "Account", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);

  // Both signals are in the journal, on the steps where they happened.
  await expect
    .poll(async () => {
      const data = await myData(page);
      const found = (journey: string, signal: string) =>
        data.touchpoints.some((t) => t.journey === journey && t.signals.includes(signal));
      return [found("account", "rage_click"), found("password_change", "form_abandoned")];
    })
    .toEqual([true, true]);
  const data = await myData(page);
  expect(JSON.stringify(data)).not.toContain("half-typed secret");

  // The customer sees them too, in words.
  await page.goto("/account/activity");
  await waitForHydration(page, testInfo);
  await expect(page.getByText("repeated clicks").first()).toBeVisible();
  await expect(page.getByText("form left unfinished").first()).toBeVisible();
  await expectAccessible(page, testInfo);
  consoleIsClean();
});

test("my activity lists the steps taken, with or without JavaScript", async ({ page }, testInfo) => {
  const consoleIsClean = watchConsole(page);
  await signIn(page, testInfo, "piotr@demo.styk.pl");
  await page.goto("/account/security");
  await page.goto("/account/activity");
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "My activity" })).toBeVisible();
  await expect(page.getByText("Sessions · page opened").first()).toBeVisible();
  await expect(page.getByText("Sign-in · form sent").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Download my data (JSON)" })).toHaveAttribute("href", "/account/activity/export");
  await expectAccessible(page, testInfo);
  consoleIsClean();
});
