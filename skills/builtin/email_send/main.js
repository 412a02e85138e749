// email_send: the host sends from the configured address; the skill chooses only recipients,
// subject and text. A reply names its parent and the parent's thread (both from email_read); the
// host builds In-Reply-To and References from them.
export default async ({ to, cc, subject, text, in_reply_to, references }) => {
  const r = await mail.send({ to, cc, subject, text, inReplyTo: in_reply_to, references });
  const rejected = r.rejected.length ? `; rejected: ${r.rejected.join(", ")}` : "";
  return { summary: `Sent "${subject}" to ${r.accepted.join(", ") || "nobody"}${rejected}`, ...r };
};
