import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { expect } from "vitest";
import type { SmtpSettings } from "~/alerts/transports.server";

// A real SMTP server on 127.0.0.1 (smtp-server) that keeps every message it is given, for tests of
// what Anchorline emails: the production transport (nodemailer) talks to it as to any relay.

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export interface SmtpCapture {
  mails: ReceivedMail[];
  port: number;
  /** Settings that send to this server (as SMTP_URL would). */
  settings: SmtpSettings;
  close(): Promise<void>;
}

/**
 * Listens on `port` (0: any free one); keeps messages in `mails` (a new list unless given, so a
 * server stopped and started again on its port keeps one list).
 */
export async function startSmtpCapture(options: { port?: number; mails?: ReceivedMail[]; from?: string } = {}): Promise<SmtpCapture> {
  const mails = options.mails ?? [];
  const from = options.from ?? "Anchorline <reports@anchorline.test>";
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    port,
    settings: { transport: { url: `smtp://127.0.0.1:${port}` }, from },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The decoded body of the MIME part with this content type (nodemailer's 7bit, quoted-printable or base64). */
export function mimePart(raw: string, contentType: string): string {
  const start = raw.search(new RegExp(`Content-Type: ${contentType.replace("/", "\\/")}`, "i"));
  expect(start, `a ${contentType} part`).toBeGreaterThanOrEqual(0);
  const part = raw.slice(start);
  const headerEnd = part.indexOf("\r\n\r\n");
  const headers = part.slice(0, headerEnd);
  const body = part.slice(headerEnd + 4).split(/\r\n--/)[0]!;
  if (/Content-Transfer-Encoding: quoted-printable/i.test(headers)) {
    const bytes = body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  if (/Content-Transfer-Encoding: base64/i.test(headers)) return Buffer.from(body, "base64").toString("utf8");
  return body;
}

/** A header of the message, unfolded. */
export function mailHeader(raw: string, name: string): string {
  const unfolded = raw.split("\r\n\r\n")[0]!.replace(/\r\n(?=[ \t])/g, "");
  return (
    unfolded
      .split("\r\n")
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim() ?? ""
  );
}
