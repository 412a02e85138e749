// email_list: the newest messages of a folder as one line each for a channel, plus the data.
// The host reads the mailbox (IMAP, read-only); the skill never sees the account or password.
export default async ({ folder = "INBOX", unseen = false, since, days, limit = 20 }) => {
  const from = days !== undefined ? new Date(Date.now() - days * 86400000).toISOString() : since;
  const res = await mail.list({ folder, unseen, since: from, limit });
  const what = `${unseen ? "unread " : ""}message${res.total === 1 ? "" : "s"}`;
  const lines = res.messages.map((m) => `- [${m.uid}] ${m.date ? m.date.slice(0, 10) : "?"} ${m.from}: ${m.subject}${m.seen ? "" : " (unread)"}`);
  const out = {
    summary: `${res.total} ${what} in ${res.folder}${from ? ` since ${from.slice(0, 10)}` : ""}` + (lines.length ? `:\n${lines.join("\n")}` : ""),
    folder: res.folder,
    total: res.total,
    messages: res.messages,
    untrusted: true,
  };
  if (res.total > res.messages.length) out.truncated = { shown: res.messages.length, total: res.total, unit: "items" };
  return out;
};
