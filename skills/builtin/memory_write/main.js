// memory_write: a fact in the profile of the user this call is for, or a note in today's
// journal. The host files the fact under the call's user; a skill cannot choose whose profile.
const clip = (s, n = 60) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

export default async ({ kind, text, section }) => {
  const r = await memory.write({ kind, text, section });
  if (r.kind === "fact") {
    return { summary: `Remembered in ${r.user}'s profile under ${r.section}: ${clip(text.trim())}`, kind, section: r.section };
  }
  return { summary: `Added to today's notes: ${clip(text.trim())}`, kind };
};
