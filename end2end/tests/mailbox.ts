import { expect } from "@playwright/test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type Mail = { from: string; to: string[]; subject: string; messageId: string; text: string; html: string };

const dir = () => {
  const mailbox = process.env.MAILBOX_DIR;
  if (!mailbox) throw new Error("MAILBOX_DIR is not set: run the browser tests through scripts/e2e.sh");
  return mailbox;
};

/** Waits until the SMTP sink has received a mail to `to` whose subject contains `subject`. */
export async function waitForMail(to: string, subject: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      () => {
        const mails = readdirSync(dir())
          .filter((name) => name.endsWith(".json"))
          .sort()
          .map((name) => JSON.parse(readFileSync(join(dir(), name), "utf8")) as Mail);
        found = mails.reverse().find((m) => m.to.includes(to.toLowerCase()) && m.subject.includes(subject));
        return found !== undefined;
      },
      { timeout: 20_000, message: `a mail to ${to} about "${subject}"` },
    )
    .toBe(true);
  return found!;
}

/** The first link in a mail's text that starts with `prefix`. */
export function linkIn(mail: Mail, prefix: string): string {
  const link = mail.text.split(/\s+/).find((word) => word.startsWith(prefix));
  if (!link) throw new Error(`no link starting with ${prefix} in:\n${mail.text}`);
  return link;
}
