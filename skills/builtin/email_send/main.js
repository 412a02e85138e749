// email_send: the host sends from the configured address; the skill chooses only recipients,
// subject and text.
export default async ({ to, cc, subject, text, in_reply_to }) => {
  const r = await mail.send({ to, cc, subject, text, inReplyTo: in_reply_to });
  const rejected = r.rejected.length ? `; rejected: ${r.rejected.join(", ")}` : "";
  return { summary: `Sent "${subject}" to ${r.accepted.join(", ") || "nobody"}${rejected}`, ...r };
};
