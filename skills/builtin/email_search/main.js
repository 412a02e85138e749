// email_search: IMAP SEARCH on the host (the server does the matching), newest first.
export default async ({ query, from, to, subject, since, before, unseen = false, folder = "INBOX", limit = 20 }) => {
  const res = await mail.search({ query, from, to, subject, since, before, unseen, folder, limit });
  const lines = res.messages.map((m) => `- [${m.uid}] ${m.date ? m.date.slice(0, 10) : "?"} ${m.from}: ${m.subject}${m.seen ? "" : " (unread)"}`);
  const out = {
    summary: `${res.total} matching message${res.total === 1 ? "" : "s"} in ${res.folder}` + (lines.length ? `:\n${lines.join("\n")}` : ""),
    folder: res.folder,
    total: res.total,
    messages: res.messages,
    untrusted: true,
  };
  if (res.total > res.messages.length) out.truncated = { shown: res.messages.length, total: res.total, unit: "items" };
  return out;
};
