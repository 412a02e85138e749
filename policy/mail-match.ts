// `mail` entries (DESIGN §4, §5): `read` (list, read and search the user's mailboxes) and
// `send` (send mail as the user). Two separate grants so a summariser cannot also send.
import { MAIL_ACCESS, type MailAccess } from "../runtime/contracts/permissions.ts";

export const MAIL_EXPECTED = `expected ${MAIL_ACCESS.join(" or ")}`;

export function isMailAccess(text: string): text is MailAccess {
  return (MAIL_ACCESS as readonly string[]).includes(text);
}
