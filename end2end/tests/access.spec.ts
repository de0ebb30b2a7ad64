import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { DEMO_PASSWORD, expectAccessible, signIn, waitForHydration, watchConsole } from "./helpers";
import { linkIn, waitForMail } from "./mailbox";

const ACCOUNT = "Piekarnia Ola Nowak sp. z o.o.";
const OLA = "ola@demo.styk.pl";

/** The two numbers printed on every invoice of Ola's bakery, as anyone holding one could read them. */
async function printedNumbers(page: Page, testInfo: TestInfo): Promise<{ customer: string; invoice: string }> {
  await signIn(page, testInfo, OLA, DEMO_PASSWORD);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(ACCOUNT);
  // textContent, not innerText: the eyebrow is styled in capitals.
  const customer = ((await page.locator("p.eyebrow").first().textContent()) ?? "").replace("Customer number", "").trim();
  await page.goto("/invoices");
  const invoice = ((await page.locator("table.table--invoices tbody tr").first().getByRole("rowheader").textContent()) ?? "").trim();
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page.getByText("You are signed out.")).toBeVisible();
  return { customer, invoice };
}

test("a stranger with two printed numbers sees nothing until the owner approves", async ({ page, baseURL }, testInfo) => {
  // The stranger's sign-in before approval is refused with 401, on purpose.
  const consoleIsClean = watchConsole(page, [401]);
  const stranger = `obcy.${testInfo.project.name}.${Date.now()}@example.com`;
  const password = "chleb żytni na zakwasie";
  const { customer, invoice } = await printedNumbers(page, testInfo);

  // 1. The stranger registers with the numbers and confirms the address.
  await page.goto("/register");
  await waitForHydration(page, testInfo);
  await page.getByLabel("Customer number").fill(customer);
  await page.getByLabel("Number of any invoice of your account").fill(invoice);
  await page.getByLabel("E-mail address").fill(stranger);
  await page.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(page.getByText("we sent a confirmation link")).toBeVisible();
  const confirm = await waitForMail(stranger, ACCOUNT);
  await page.goto(linkIn(confirm, `${baseURL}/register/complete?token=`));
  await waitForHydration(page, testInfo);
  await page.getByLabel("Full name").fill("Jan Obcy");
  await page.getByLabel("New password").fill(password);
  await page.getByRole("button", { name: "Ask for access" }).click();
  await expect(page.getByText("Your request is with the account's owners")).toBeVisible();
  await expectAccessible(page, testInfo);

  // 2. Before approval: no way in, nothing of the account.
  await signIn(page, testInfo, stranger, password);
  await expect(page.getByRole("alert")).toContainText("not right");
  await page.goto("/orders");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByText(ACCOUNT)).toHaveCount(0);

  // 3. The owner is told by e-mail and approves on "People with access".
  const asked = await waitForMail(OLA, "Jan Obcy");
  expect(asked.text).toContain(stranger);
  await signIn(page, testInfo, OLA, DEMO_PASSWORD);
  await page.getByRole("link", { name: "People with access" }).click();
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { name: "Requests for access" })).toBeVisible();
  await expect(page.getByRole("cell", { name: stranger })).toBeVisible();
  await expectAccessible(page, testInfo);
  await page.getByRole("button", { name: "Approve Jan Obcy" }).click();
  await expect(page.getByText("Approved. They are now a member")).toBeVisible();
  await expect(page.getByRole("cell", { name: stranger })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page.getByText("You are signed out.")).toBeVisible();

  // 4. Told, the newcomer signs in and only now sees the account's orders.
  await waitForMail(stranger, "Masz już dostęp");
  await signIn(page, testInfo, stranger, password);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(ACCOUNT);
  await page.goto("/orders");
  await waitForHydration(page, testInfo);
  await expect(page.locator("table tbody tr").first()).toBeVisible();
  await expectAccessible(page, testInfo);
  consoleIsClean();
});
