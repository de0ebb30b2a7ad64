import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, expectAccessible, signIn, waitForHydration, watchConsole } from "./helpers";
import { linkIn, waitForMail } from "./mailbox";

const ACCOUNT = "Piekarnia Ola Nowak sp. z o.o.";

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page.getByText("You are signed out.")).toBeVisible();
}

test("an invited member sets a password, signs in and out, and changes the password", async ({ page, baseURL }, testInfo) => {
  // The rejected invitation form answers 422 and the failed sign-in 401, on purpose.
  const consoleIsClean = watchConsole(page, [422, 401]);
  const invitee = `zofia.${testInfo.project.name}.${Date.now()}@example.com`;

  // The account owner invites a colleague.
  await signIn(page, testInfo, "ola@demo.styk.pl", DEMO_PASSWORD);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(ACCOUNT);
  await page.getByRole("link", { name: "People with access" }).click();
  await waitForHydration(page, testInfo);
  await expectAccessible(page, testInfo);
  // A mistake is reported beside the field, and what was typed stays.
  await page.getByLabel("Full name").fill("Zofia Wiśniewska");
  await page.getByLabel("E-mail address").fill("not an address");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Enter an e-mail address like name@example.com.")).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Zofia Wiśniewska");
  await expectAccessible(page, testInfo);
  await page.getByLabel("E-mail address").fill(invitee);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  await expect(page.getByRole("cell", { name: invitee })).toBeVisible();
  await signOut(page);

  // 1. The invitation arrives over SMTP, in the account's language.
  const invitation = await waitForMail(invitee, ACCOUNT);
  expect(invitation.subject).toBe(`Zaproszenie do konta ${ACCOUNT} w Styk`);
  expect(invitation.messageId).toMatch(/^<[0-9a-z]{20}@127\.0\.0\.1>$/);
  const link = linkIn(invitation, `${baseURL}/invitation?token=`);

  // 2. The link is followed and a password set.
  await page.goto(link);
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Set up your access");
  await expect(page.getByText(ACCOUNT)).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Zofia Wiśniewska");
  await expectAccessible(page, testInfo);
  await page.getByLabel("New password").fill("kwiaty na oknie w maju");
  await page.getByRole("button", { name: "Set password and continue" }).click();
  await expect(page.getByText("Your password is set. Please sign in.")).toBeVisible();

  // 3. The member signs in, sees the account's name, and signs out.
  await signIn(page, testInfo, invitee, "kwiaty na oknie w maju");
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(ACCOUNT);
  await expectAccessible(page, testInfo);
  await signOut(page);

  // 4. Signs in again, changes the password, and the old one no longer works.
  await signIn(page, testInfo, invitee, "kwiaty na oknie w maju");
  await page.getByRole("link", { name: "Sign-in and security" }).click();
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { name: "Your sessions" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await page.getByLabel("Current password").first().fill("kwiaty na oknie w maju");
  await page.getByLabel("New password").fill("burza nad morzem w lipcu");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password was changed.")).toBeVisible();
  // The owner is told by e-mail, in their language: the account's, Polish.
  await waitForMail(invitee, "Twoje hasło zostało zmienione");
  await signOut(page);

  await signIn(page, testInfo, invitee, "kwiaty na oknie w maju");
  await expect(page.getByRole("alert")).toHaveText("The e-mail address or password is not right. Please check both and try again.");
  await expect(page.getByLabel("E-mail address")).toHaveValue(invitee);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
  await expectAccessible(page, testInfo);
  await signIn(page, testInfo, invitee, "burza nad morzem w lipcu");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(ACCOUNT);
  consoleIsClean();
});

test("a used invitation link says so and offers a new one", async ({ page }, testInfo) => {
  const response = await page.goto("/invitation?token=not-a-real-token");
  expect(response?.status()).toBe(410);
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This link no longer works");
  await page.getByRole("link", { name: "Send me a new link" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Forgot your password?");
  await expectAccessible(page, testInfo);
});
