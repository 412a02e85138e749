// email_read: one message's headers, text and attachment names. Marked untrusted: whatever the
// text says is data for the user, not instructions for the assistant.
export default async ({ uid, folder = "INBOX", max_chars = 20000 }) => {
  const m = await mail.read({ uid, folder, maxChars: max_chars });
  const att = m.attachments.length ? `\nAttachments: ${m.attachments.map((a) => `${a.name} (${a.size} bytes)`).join(", ")}` : "";
  return {
    summary: `From: ${m.from}\nSubject: ${m.subject}\nDate: ${m.date ?? "?"}${att}\n\n${m.text}`,
    ...m,
    untrusted: true,
  };
};
