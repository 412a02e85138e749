// shell_execute: run one program with an argv array through the sandbox's shell.run (checked
// against the policy's `run` grants; the working folder against `read`). A shell string is
// only ever run as `sh -c`, which needs its own grant of `run: [sh]`.

const DEFAULT_TIMEOUT_MS = 30000;

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
  const r = await shell_run(program, argv, opts);
  const budget = { left: max_output_chars, cut: 0, total: 0 };
  const stdout = cap(r.stdout, budget);
  const stderr = cap(r.stderr, budget);
  const out = { summary: "", command: shown, cwd, exit_code: r.code, stdout, stderr };
  const lines = countLines(r.stdout);
  let summary = `\`${shorten(shown)}\` in ${cwd} exited with code ${r.code}` + (lines ? ` (${lines} line${lines === 1 ? "" : "s"} of output)` : " (no output)");
  if (r.code !== 0 && r.stderr.trim()) summary += `: ${shorten(firstLine(r.stderr))}`;
  if (budget.cut > 0) {
    out.truncated = { shown: budget.total - budget.cut, total: budget.total, unit: "chars" };
    summary += `; ${budget.cut} characters of output cut from the middle`;
  }
  out.summary = summary;
  return out;
};

// A named alias, so the destructured `shell` parameter above does not hide the global.
const shell_run = (...a) => globalThis.shell.run(...a);

/** Keeps the start and the end (where errors usually are) within the shared character budget. */
function cap(text, budget) {
  budget.total += text.length;
  if (text.length <= budget.left) {
    budget.left -= text.length;
    return text;
  }
  const keep = Math.max(0, budget.left);
  budget.left = 0;
  budget.cut += text.length - keep;
  const head = Math.ceil(keep * 0.6);
  const tail = keep - head;
  return text.slice(0, head) + `\n[… ${text.length - keep} characters cut …]\n` + (tail > 0 ? text.slice(text.length - tail) : "");
}

function quote(s) {
  return /^[A-Za-z0-9_\-.,/:=@%+~]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
}

const shorten = (s) => (s.length > 80 ? s.slice(0, 79) + "…" : s);
const firstLine = (s) => s.trim().split("\n")[0];

function countLines(s) {
  if (!s) return 0;
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return s.endsWith("\n") ? n : n + 1;
}
