import { expect, test } from "@playwright/test";
import { expectAccessible, jsEnabled, waitForHydration, watchConsole } from "./helpers";

test("the start page renders, hydrates and passes axe", async ({ page }, testInfo) => {
  const consoleIsClean = watchConsole(page);
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Serve yourself, any time");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("contentinfo")).toBeVisible();
  await expectAccessible(page, testInfo);
  consoleIsClean();
});

test("the language switcher changes and remembers the language", async ({ page }, testInfo) => {
  const consoleIsClean = watchConsole(page);
  await page.goto("/forgot-password");
  await waitForHydration(page, testInfo);
  await page.getByLabel("Language").selectOption("pl");
  await page.getByRole("button", { name: "Change language" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "pl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nie pamiętasz hasła?");
  await expectAccessible(page, testInfo);

  // Remembered on the next page, and switchable to Russian.
  await page.getByRole("link", { name: "Wróć do logowania" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Logowanie");
  await waitForHydration(page, testInfo);
  await page.getByLabel("Język").selectOption("ru");
  await page.getByRole("button", { name: "Zmień język" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Вход");
  await expectAccessible(page, testInfo);
  consoleIsClean();
});

test("the skip link moves focus to the main content", async ({ page }, testInfo) => {
  await page.goto("/");
  await waitForHydration(page, testInfo);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("#main")).toBeFocused();
});

test("every shell page passes axe, and an unknown page is a 404", async ({ page }, testInfo) => {
  const consoleIsClean = watchConsole(page);
  for (const path of ["/sign-in", "/forgot-password", "/register", "/staff/sign-in"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await waitForHydration(page, testInfo);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page, testInfo);
  }
  // Private areas send a visitor to the right sign-in page, and back afterwards.
  for (const [path, signIn] of [["/orders", "/sign-in"], ["/account/security", "/sign-in"], ["/staff/users", "/staff/sign-in"]]) {
    await page.goto(path);
    await expect(page).toHaveURL(`${signIn}?next=${encodeURIComponent(path)}`);
  }
  consoleIsClean();

  // The browser logs the 404 of the document itself; that is the point here, not a fault.
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expectAccessible(page, testInfo);
  if (jsEnabled(testInfo)) {
    // Client-side navigation after hydration keeps the page working too.
    await waitForHydration(page, testInfo);
    await page.getByRole("link", { name: "Orders" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Orders");
  }
});
