// memory_search: full-text search of Moltbot's memory on the host. Whose profile and
// conversations may be seen is decided there, from the call's user, not from these parameters.
// Marked untrusted: memory holds past conversations and facts the model wrote down, which may
// carry text from web pages, e-mails or other people.
const clip = (s, n = 60) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

export default async ({ query, limit = 5 }) => {
  const results = await memory.search({ query, limit });
  const summary = results.length
    ? `${results.length} result${results.length === 1 ? "" : "s"} for "${clip(query)}": ${results.map((r) => r.title).join("; ")}`
    : `nothing in memory matches "${clip(query)}"`;
  return { summary, results, untrusted: true };
};
