import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { expectAccessible, jsEnabled, waitForHydration, watchConsole } from "./helpers";
import { waitForMail } from "./mailbox";

const DEMO_PASSWORD = "Styk-Demo-2026!";
const PIOTR = "piotr@demo.styk.pl"; // billing member, Piekarnia Ola Nowak sp. z o.o. (mail in Polish)
const AGENT = "agent@demo.styk.pl";

async function signIn(page: Page, testInfo: TestInfo, path: string, email: string) {
  await page.goto(path);
  await waitForHydration(page, testInfo);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function pdfText(page: Page, testInfo: TestInfo, link: string, file: string) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link, exact: true }).first().click()]);
  expect(download.suggestedFilename()).toMatch(/^[A-Za-z0-9-]+\.pdf$/);
  const path = testInfo.outputPath(file);
  await download.saveAs(path);
  return execFileSync("pdftotext", ["-layout", path, "-"]).toString();
}

test("a billing member disputes a price, staff accept it, and the corrective invoice shows before and after", async ({ page, browser }, testInfo) => {
  // A rejected form answers 422, on purpose.
  const consoleIsClean = watchConsole(page, [422]);
  await signIn(page, testInfo, "/sign-in", PIOTR);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Piekarnia Ola Nowak sp. z o.o.");

  // 1–2. An invoice (a different one for each project, so the runs do not meet) and its PDF: the
  //      number, the first line and a Polish name with diacritics, as a PDF reader extracts them.
  await page.goto("/invoices");
  await waitForHydration(page, testInfo);
  const row = page.locator("table.table--invoices tbody tr").nth(jsEnabled(testInfo) ? 2 : 3);
  const number = (await row.getByRole("rowheader").innerText()).trim();
  await row.getByRole("rowheader").getByRole("link").click();
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(number);
  const firstItem = (await page.locator("table").first().locator("tbody tr").first().locator("td, th").nth(0).innerText()).trim();
  const original = await pdfText(page, testInfo, "Download invoice (PDF)", "invoice.pdf");
  expect(original).toContain(number);
  expect(original).toContain(firstItem);
  expect(original).toContain("Łódź"); // the buyer's city, with its diacritics intact

  // 3. A price correction on line 1, with a file; first a preview, then a missing reason.
  await page.getByRole("link", { name: "Request a correction" }).click();
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Request a correction");
  await expectAccessible(page, testInfo);
  const price = page.getByLabel("Net price 1", { exact: true });
  const before = await price.inputValue();
  const lower = (Math.max(Number(before) - 1, 0.01)).toFixed(2);
  await price.fill(lower);
  await page.getByLabel("Attachments").setInputFiles({
    name: "umowa-ramowa.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
  });
  await page.getByRole("button", { name: "Show the difference" }).click();
  await expect(page.locator("table.table--changes")).toBeVisible();
  await expect(page.getByText("umowa-ramowa.pdf")).toBeVisible();
  await expect(price).toHaveValue(lower);
  await page.getByLabel("Explanation").fill("Cena według umowy ramowej z 2026 r.");
  await page.getByRole("button", { name: "Send the request" }).click();
  await expect(page.getByText("Please fill in this field.")).toBeVisible();
  await expect(page.getByLabel("Explanation")).toHaveValue("Cena według umowy ramowej z 2026 r.");
  await expectAccessible(page, testInfo);
  await page.getByLabel("Reason").selectOption("price_difference");
  await page.getByRole("button", { name: "Send the request" }).click();
  await expect(page.getByText("Your correction request has been sent.")).toBeVisible();
  await expect(page.locator(".badge--submitted")).toBeVisible();
  await expectAccessible(page, testInfo);
  const requestUrl = page.url().split("?")[0];
  await waitForMail(PIOTR, number);

  // 4. Staff accept it in their queue.
  const staffContext = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const staff = await staffContext.newPage();
  await signIn(staff, testInfo, "/staff/sign-in", AGENT);
  await staff.goto("/staff/corrections");
  await waitForHydration(staff, testInfo);
  await expectAccessible(staff, testInfo);
  await staff.getByRole("link", { name: number }).first().click();
  await waitForHydration(staff, testInfo);
  await expect(staff.getByText("Cena według umowy ramowej z 2026 r.")).toBeVisible();
  await expectAccessible(staff, testInfo);
  await staff.getByLabel("Decision", { exact: true }).selectOption("accept");
  await staff.getByRole("button", { name: "Record the decision" }).click();
  await expect(staff.getByText("The decision is recorded")).toBeVisible();
  await staffContext.close();

  // 5. The customer sees the corrective invoice; its PDF names the original and both prices.
  await page.goto(requestUrl);
  await waitForHydration(page, testInfo);
  await expect(page.locator(".badge--accepted")).toBeVisible();
  const corrective = page.locator("dd a[href^='/invoices/']").first();
  const correctiveNumber = (await corrective.innerText()).trim();
  expect(correctiveNumber).toMatch(/^KOR\/\d{4}\/\d{2}\/\d{6}$/);
  await corrective.click();
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(correctiveNumber);
  await expect(page.locator("table.table--changes")).toBeVisible();
  await expectAccessible(page, testInfo);
  const text = await pdfText(page, testInfo, "Download invoice (PDF)", "corrective.pdf");
  expect(text).toContain("Corrective invoice");
  expect(text).toContain(correctiveNumber);
  expect(text).toContain(number);
  expect(text).toContain("Before");
  expect(text).toContain("After");
  expect(text).toContain(lower);
  expect(text).toContain(Number(before).toFixed(2));

  // 6. Both e-mails arrived over SMTP, in Piotr's language.
  await waitForMail(PIOTR, `Decyzja w sprawie korekty faktury ${number}`);
  await waitForMail(PIOTR, `Otrzymaliśmy wniosek o korektę faktury ${number}`);
  consoleIsClean();
});
