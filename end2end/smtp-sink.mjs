// A real SMTP server for the browser tests: the portal delivers its mail here over SMTP, and each
// message is written as JSON into MAILBOX_DIR for the tests to read.
//   node smtp-sink.mjs <port> <mailbox dir>
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [port, dir] = process.argv.slice(2);
if (!port || !dir) {
  console.error("usage: node smtp-sink.mjs <port> <mailbox dir>");
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
let received = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        received += 1;
        const record = {
          from: session.envelope.mailFrom?.address ?? "",
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: mail.subject ?? "",
          messageId: mail.messageId ?? "",
          text: mail.text ?? "",
          html: typeof mail.html === "string" ? mail.html : "",
        };
        writeFileSync(join(dir, `${Date.now()}-${received}.json`), JSON.stringify(record));
        callback();
      })
      .catch(callback);
  },
});
server.on("error", (error) => console.error("smtp sink:", error.message));
server.listen(Number(port), "127.0.0.1", () => console.log(`smtp sink listening on ${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
