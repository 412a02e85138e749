// shell_execute: run one program with an argv array through the sandbox's shell.run (checked
// against the policy's `run` grants; the working folder against `read`). A shell string is
// only ever run as `sh -c`, which needs its own grant of `run: [sh]`.

const DEFAULT_TIMEOUT_MS = 30000;
// Each stream may use at least this share of max_output_chars (or all of itself when shorter),
// so a long stdout never hides the error at the end of stderr.
const RESERVED_SHARE = 0.25;
// Of a stream that is cut, this share of what is shown is its start; the rest is its end.
const HEAD_SHARE = 0.6;

export default async ({ command, args = [], script, shell = false, cwd = "~", stdin, timeout_ms = DEFAULT_TIMEOUT_MS, max_output_chars = 20000 }) => {
  if ((command === undefined) === (script === undefined)) {
    throw new Error("shell_execute needs exactly one of command (a program, with args) or script (a shell script for sh -c)");
  }
  if (script !== undefined && args.length > 0) throw new Error("args go with command; a script gets none");
  // sh -c "<text>" sh arg1 arg2: the text is the script, args become $1, $2 …
  const viaShell = script !== undefined || shell;
  const program = viaShell ? "sh" : command;
  const argv = viaShell ? ["-c", script ?? command, "sh", ...args] : args;
  const shown = viaShell ? `sh -c ${quote(script ?? command)}` : [command, ...args].map(quote).join(" ");
  const opts = { cwd, timeoutMs: timeout_ms };
  if (stdin !== undefined) opts.stdin = stdin;
  // A denial is rethrown untouched: the sandbox reports it (and audits it) as a denial.
  const r = await shell_run(program, argv, opts).catch((e) => {
    throw viaShell ? e : withArgsHint(e, command, args);
  });
  const out = stream(r.stdout, r.cut && r.cut.stdout);
  const err = stream(r.stderr, r.cut && r.cut.stderr);
  const [outKeep, errKeep] = shares(max_output_chars, out.available, err.available);
  const stdout = render(out, outKeep);
  const stderr = render(err, errKeep);
  const result = { summary: "", command: shown, cwd, exit_code: r.code, stdout: stdout.text, stderr: stderr.text };
  const lines = out.lines;
  let summary = `\`${shorten(shown)}\` in ${cwd} exited with code ${r.code}` + (lines ? ` (${lines} line${lines === 1 ? "" : "s"} of output)` : " (no output)");
  const lastErr = lastLine(err.end);
  if (r.code !== 0 && lastErr) summary += `: ${shorten(lastErr)}`;
  const total = out.total + err.total;
  const cut = total - stdout.shown - stderr.shown;
  if (cut > 0) {
    result.truncated = { shown: stdout.shown + stderr.shown, total, unit: "chars" };
    summary += `; ${cut} characters of output cut from the middle`;
  }
  result.summary = summary;
  return result;
};

// A named alias, so the destructured `shell` parameter above does not hide the global.
const shell_run = (...a) => globalThis.shell.run(...a);

/** "ls -la" as the command: the host's hint (the error and its code kept) in this skill's terms. */
function withArgsHint(e, command, args) {
  if (!e || e.code !== "not_found" || typeof e.message !== "string") return e;
  const words = command.trim().split(/\s+/);
  let at = e.message.indexOf(HOST_ARGS_HINT);
  if (at !== -1) {
    e.message = e.message.slice(0, at) + `; put arguments in args: ${JSON.stringify({ command: words[0], args: [...words.slice(1), ...args] })}`;
  } else if ((at = e.message.indexOf(HOST_SHELL_HINT)) !== -1) {
    e.message = e.message.slice(0, at) + `; it is a shell command line: pass it as ${JSON.stringify({ script: command })} (needs run permission for sh)`;
  }
  return e;
}
const HOST_ARGS_HINT = "; put arguments in args: shell.run(";
const HOST_SHELL_HINT = "; it is a shell command line";

/**
 * A stream as shell.run returned it: the whole text (start = end = text), or, when the host cut
 * its middle, its real start and real end with the totals of the whole.
 */
function stream(text, cut) {
  if (!cut) return { start: text, end: text, whole: true, total: text.length, lines: countLines(text), available: text.length };
  const start = text.slice(0, cut.head);
  const end = text.slice(text.length - cut.tail);
  return { start, end, whole: false, total: cut.chars, lines: cut.lines, available: start.length + end.length };
}

/** How many characters each stream shows: each has its reserved share, the rest goes to stdout first. */
function shares(budget, outNeed, errNeed) {
  const reserve = Math.floor(budget * RESERVED_SHARE);
  let out = Math.min(outNeed, reserve);
  let err = Math.min(errNeed, reserve);
  out += Math.min(outNeed - out, budget - out - err);
  err += Math.min(errNeed - err, budget - out - err);
  return [out, err];
}

/** The start and the end (where errors usually are) of a stream within `keep` characters. */
function render(s, keep) {
  if (s.whole && s.total <= keep) return { text: s.start, shown: s.total };
  let tail = Math.min(s.end.length, keep - Math.min(s.start.length, Math.ceil(keep * HEAD_SHARE)));
  const head = Math.min(s.start.length, keep - tail);
  if (s.whole) tail = Math.min(tail, s.total - head);
  const shown = head + tail;
  const text = s.start.slice(0, head) + `\n[… ${s.total - shown} characters cut …]\n` + (tail > 0 ? s.end.slice(s.end.length - tail) : "");
  return { text, shown };
}

function quote(s) {
  return /^[A-Za-z0-9_\-.,/:=@%+~]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
}

const shorten = (s) => (s.length > 80 ? s.slice(0, 79) + "…" : s);

/** The last line with something on it: a failing program's error is usually there. */
function lastLine(s) {
  const lines = s.trimEnd().split("\n");
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim()) return lines[i].trim();
  return "";
}

function countLines(s) {
  if (!s) return 0;
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return s.endsWith("\n") ? n : n + 1;
}
