import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { expectAccessible, waitForHydration, watchConsole } from "./helpers";
import { waitForMail } from "./mailbox";

const DEMO_PASSWORD = "Styk-Demo-2026!";
const ANNA = "anna@demo.styk.pl"; // owner, Northwind Provisions Ltd

async function signIn(page: Page, testInfo: TestInfo, email: string) {
  await page.goto("/sign-in");
  await waitForHydration(page, testInfo);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a customer finds an order by product, reorders it with a changed quantity and gets the e-mail", async ({ page }, testInfo) => {
  // The review with a negative quantity answers 422, on purpose.
  const consoleIsClean = watchConsole(page, [422]);

  // 1. Sign in: the overview says where the account stands.
  await signIn(page, testInfo, ANNA);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Northwind Provisions Ltd");
  await expect(page.getByRole("heading", { name: "Recent orders" })).toBeVisible();
  await expectAccessible(page, testInfo);

  // 2. Find an order by the name of a product in it.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Orders");
  const firstItem = (await page.locator("table.table--orders tbody tr").first().locator("td").nth(1).innerText()).trim();
  const word = firstItem.split(/[\s,]+/).find((w) => w.length >= 5) ?? firstItem;
  await page.getByLabel("Order number or product").fill(word.toUpperCase());
  await page.getByRole("button", { name: "Show orders" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(word.toUpperCase())}`));
  await expect(page.getByLabel("Order number or product")).toHaveValue(word.toUpperCase());
  const rows = page.locator("table.table--orders tbody tr");
  await expect(rows.first()).toBeVisible();
  await expectAccessible(page, testInfo);

  // 3. Open it: the product is one of its lines.
  await rows.first().getByRole("link").click();
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { name: "What was ordered" })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: new RegExp(word, "i") }).first()).toBeVisible();
  await expectAccessible(page, testInfo);

  // 4. Reorder with a changed quantity: a mistake first, then the review, then confirm.
  await page.getByRole("link", { name: "Reorder" }).click();
  await waitForHydration(page, testInfo);
  const firstQuantity = page.locator('input[name^="q_"]').first();
  await firstQuantity.fill("-2");
  await page.getByRole("button", { name: "Review the order" }).click();
  await expect(page.getByText("A quantity cannot be negative; 0 leaves the item out.")).toBeVisible();
  await expect(page.locator('input[name^="q_"]').first()).toHaveValue("-2");
  await expectAccessible(page, testInfo);
  await page.locator('input[name^="q_"]').first().fill("9");
  await page.getByRole("button", { name: "Review the order" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check and confirm");
  await expect(page.locator("tbody tr").first().locator("td").first()).toContainText("9");
  await expectAccessible(page, testInfo);
  await page.getByRole("button", { name: "Confirm the order request" }).click();
  await expect(page.getByText("Thank you: your order request is in.")).toBeVisible();
  const heading = (await page.getByRole("heading", { level: 1 }).innerText()).trim();
  const number = heading.split(/\s+/)[0];
  expect(number).toMatch(/^ZAM\/\d{4}\/[0-9A-Z]{10}$/);
  await expect(page.getByRole("rowheader").first()).toBeVisible();
  await expect(page.locator("tbody tr").first().locator("td").first()).toHaveText("9");

  // 5. The request is in the history, with status "requested".
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
  await waitForHydration(page, testInfo);
  const row = page.locator("table.table--orders tbody tr", { hasText: number });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Requested");

  // 6. The confirmation e-mail arrived over SMTP.
  const mail = await waitForMail(ANNA, number);
  expect(mail.text).toContain(number);
  expect(mail.text).toMatch(/\/orders\/[0-9a-z]{20}/);
  consoleIsClean();
});
