// browser_control: one browser action per call. The page lives on in the host between calls of
// the same conversation, so "open", then "fill", "click" and "screenshot" act on one page.

const NEEDS = { goto: ["url"], click: ["selector"], fill: ["selector", "value"] };

export default async ({ action, url, selector, value, full_page = false }) => {
  const given = { url, selector, value };
  for (const field of NEEDS[action] ?? []) {
    if (typeof given[field] !== "string") throw new Error(`${action} needs "${field}"`);
  }
  let r;
  switch (action) {
    case "open": r = await browser.open(url); break;
    case "goto": r = await browser.goto(url); break;
    case "text": r = await browser.text(selector); break;
    case "click": r = await browser.click(selector); break;
    case "fill": r = await browser.fill(selector, value); break;
    case "screenshot": r = await browser.screenshot({ fullPage: full_page }); break;
    case "close": r = await browser.close(); break;
  }
  return present(action, r, { selector });
};

function present(action, r, { selector }) {
  if (action === "close") return { summary: r.closed ? "Closed the browser page." : "No page was open.", closed: r.closed };
  const where = r.title ? `"${r.title}" (${r.url})` : r.url;
  const out = { summary: "", url: r.url, title: r.title };
  if (r.status !== undefined) out.status = r.status;
  // `blocked` lists the first refused URLs; `blockedTotal` counts them all.
  const refused = r.blockedTotal;
  if (refused > 0) out.blocked = r.blocked;
  if (refused > r.blocked.length) out.blocked_total = refused;
  if (action === "open" || action === "goto") out.summary = `Opened ${where}`;
  if (action === "click") out.summary = `Clicked ${selector}; now on ${where}`;
  if (action === "fill") out.summary = `Filled ${selector} on ${where}`;
  if (action === "text") {
    out.text = r.text;
    if (r.truncated) out.truncated = r.truncated;
    out.summary = `Text of ${selector ?? "the page"} on ${where}: ${r.text.length} characters${r.truncated ? ` (cut from ${r.truncated.total})` : ""}`;
  }
  if (action === "screenshot") {
    out.summary = `Screenshot of ${where} (PNG, ${r.bytes} bytes)`;
    out.attachments = [{ kind: "image", mime: r.mime, name: "screenshot.png", base64: r.base64 }];
  }
  if (refused > 0) out.summary += `; ${refused} request${refused === 1 ? " was" : "s were"} blocked by the network policy${refused > r.blocked.length ? ` (the first ${r.blocked.length} listed)` : ""}`;
  return out;
}
