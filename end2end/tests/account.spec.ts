import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { expectAccessible, waitForHydration, watchConsole } from "./helpers";

const DEMO_PASSWORD = "Styk-Demo-2026!";
const IVAN = "ivan@demo.styk.pl"; // owner, Kawiarnia Samowar s.c.

async function signIn(page: Page, testInfo: TestInfo, email: string) {
  await page.goto("/sign-in");
  await waitForHydration(page, testInfo);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a customer keeps profile and addresses current, opens an invoice and downloads a statement a PDF reader opens", async ({ page }, testInfo) => {
  // Rejected forms answer 422, on purpose.
  const consoleIsClean = watchConsole(page, [422]);
  await signIn(page, testInfo, IVAN);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kawiarnia Samowar s.c.");

  // Profile: a phone number that cannot exist is refused beside the field, the rest kept.
  await page.getByRole("link", { name: "Your profile" }).click();
  await waitForHydration(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByLabel("Phone (optional)").fill("601 23");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("This is not a phone number we can call.")).toBeVisible();
  await expect(page.getByLabel("Phone (optional)")).toHaveValue("601 23");
  await expectAccessible(page, testInfo);
  await page.getByLabel("Phone (optional)").fill("601 234 567");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Your profile is saved.")).toBeVisible();
  await expect(page.getByLabel("Phone (optional)")).toHaveValue("+48601234567");

  // Addresses: a postal code in another country's format is refused; then saved the Polish way.
  await page.goto("/account/addresses");
  await waitForHydration(page, testInfo);
  await expectAccessible(page, testInfo);
  const street = `ul. Świętokrzyska ${testInfo.project.name === "js" ? 11 : 12}`;
  await page.getByLabel("Recipient (company or person)").fill("Kawiarnia Samowar — zaplecze");
  await page.getByLabel("Street and number").fill(street);
  await page.getByLabel("Postal code").fill("SW1A 1AA");
  await page.getByLabel("City", { exact: true }).fill("Łódź");
  await page.getByRole("button", { name: "Save address" }).click();
  await expect(page.getByText("This postal code does not fit the chosen country")).toBeVisible();
  await expect(page.getByLabel("Street and number")).toHaveValue(street);
  await expectAccessible(page, testInfo);
  await page.getByLabel("Postal code").fill("90420");
  await page.getByRole("button", { name: "Save address" }).click();
  await expect(page.getByText("The address is saved.")).toBeVisible();
  await expect(page.locator("li.card", { hasText: street })).toContainText("90-420");

  // Invoices: the list and one invoice.
  await page.goto("/invoices");
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Invoices");
  await expectAccessible(page, testInfo);
  await page.locator("table.table--invoices tbody tr").first().getByRole("rowheader").getByRole("link").click();
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { name: "Taxes by rate" })).toBeVisible();
  await expectAccessible(page, testInfo);

  // Statement: the page, then its PDF, read by a PDF reader.
  await page.goto("/account/statement");
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Statement of account");
  await expect(page.getByRole("rowheader", { name: "Balance brought forward" })).toBeVisible();
  await expectAccessible(page, testInfo);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^statement-\d+-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.pdf$/);
  const path = testInfo.outputPath("statement.pdf");
  await download.saveAs(path);
  const text = execFileSync("pdftotext", ["-layout", path, "-"]).toString();
  expect(text).toContain("Statement of account");
  expect(text).toContain("Kawiarnia Samowar s.c.");
  expect(text).toContain("Balance at the end");
  consoleIsClean();
});
