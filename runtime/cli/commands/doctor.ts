// `moltbot doctor`: one line per check of what Moltbot needs, each failure with what to do.
// It reads and probes, changes nothing, and prints no secret (only where things are).
import { existsSync, statSync } from "node:fs";
import { EXIT, toMoltError, type ErrorCode, type MoltError } from "../../contracts/errors.ts";
import { parse } from "../args.ts";
import { writeOut } from "../output.ts";

const HELP = `Usage: moltbot doctor [--json]

Checks the home directory, config.yaml, policy.yaml, the model provider, configured channels,
the skills, the tools that built-in skills use (chromium, ffmpeg) and the audit log.
Exit 0 when everything needed works, 1 when something needs fixing.
--json prints {ok, output: checks}; when something needs fixing, {ok: false, error, output: checks}
with the first problem in error.
`;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
  /** A missing optional tool is reported but does not fail the run. */
  optional?: boolean;
  /** The error code of a failed check, for --json's error object. */
  code?: ErrorCode;
}

// The code a failed check reports when it failed without an error of its own.
const CHECK_CODES: Record<string, ErrorCode> = { home: "invalid_config", model: "provider_error", skills: "invalid_manifest", audit: "audit_invalid" };

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, "doctor");
  if (values.help) return writeOut(HELP).then(() => EXIT.ok);
  const checks = await runChecks();
  const failed = checks.filter((c) => !c.ok && !c.optional);
  if (values.json) {
    // As on success, output lists every check; a failure adds the error of DESIGN §11.
    const output = checks.map(({ code: _code, ...c }) => c);
    await writeOut(JSON.stringify(failed.length === 0 ? { ok: true, output } : { ok: false, error: doctorError(failed), output }) + "\n");
  } else {
    for (const c of checks) {
      await writeOut(`${c.ok ? "ok  " : c.optional ? "--  " : "FAIL"} ${c.name.padEnd(10)} ${c.detail}\n`);
      if (!c.ok && c.hint) await writeOut(`           → ${c.hint}\n`);
    }
    await writeOut(failed.length === 0 ? "\nEverything Moltbot needs is in place.\n" : `\n${failed.length} problem(s) to fix.\n`);
  }
  return failed.length === 0 ? EXIT.ok : EXIT.runtime;
}

function doctorError(failed: Check[]): MoltError {
  const first = failed[0]!;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more problem${failed.length > 2 ? "s" : ""}: ${failed.slice(1).map((c) => c.name).join(", ")})` : "";
  return {
    code: first.code ?? CHECK_CODES[first.name] ?? "internal",
    message: `${first.name}: ${first.detail}${more}`,
    hint: first.hint ?? "see each check in output",
  };
}

async function runChecks(): Promise<Check[]> {
  const { homePaths, moltbotHome, userHome } = await import("../../home.ts");
  const { ensureHome } = await import("../../home-init.ts");
  const home = moltbotHome();
  const paths = homePaths(home);
  const checks: Check[] = [];
  const attempt = async (name: string, f: () => Promise<Omit<Check, "name">> | Omit<Check, "name">) => {
    try {
      checks.push({ name, ...(await f()) });
    } catch (err) {
      const e = toMoltError(err);
      checks.push({ name, ok: false, detail: e.message, code: e.code, ...(e.hint ? { hint: e.hint } : {}) });
    }
  };

  await attempt("home", () => {
    ensureHome(home);
    const mode = statSync(home).mode & 0o777;
    return mode & 0o077
      ? { ok: false, detail: `${home} is readable by others (mode ${mode.toString(8)})`, hint: `chmod 700 ${home}` }
      : { ok: true, detail: home };
  });
  const { loadConfig } = await import("../../config/index.ts");
  const loaded: { config?: ReturnType<typeof loadConfig> } = {};
  await attempt("config", () => {
    const config = (loaded.config = loadConfig(paths.config));
    return { ok: true, detail: `${paths.config} (model: ${config.ai_provider})` };
  });
  await attempt("policy", async () => {
    const { loadPolicyFile } = await import("../../../policy/index.ts");
    loadPolicyFile(paths.policy, { home: userHome(), cacheDir: paths.cache });
    return { ok: true, detail: paths.policy };
  });
  if (loaded.config) {
    const cfg = loaded.config;
    await attempt("model", async () => {
      const { providerStatus } = await import("../../providers/status.ts");
      const s = await providerStatus(cfg, { timeoutMs: 2000 });
      const text = s.providers.map((p) => `${p.provider} (${p.role}): ${p.detail}`).join("; ");
      const bad = s.providers.find((p) => !p.ok);
      return { ok: s.ok, detail: text, ...(bad?.error?.hint ? { hint: bad.error.hint } : {}) };
    });
    const channels = Object.keys(cfg.channels).filter((k) => (cfg.channels as Record<string, unknown>)[k]);
    checks.push({ name: "channels", ok: true, detail: channels.length ? channels.join(", ") : "none configured (WebChat and `moltbot chat` always work)" });
  }
  await attempt("skills", async () => {
    const { loadRegistry } = await import("../../skill-registry.ts");
    const r = await loadRegistry(paths.skills);
    return r.problems.length
      ? { ok: false, detail: `${r.skills.length} loaded, ${r.problems.length} skipped: ${r.problems[0]!.error.message}`, hint: "fix or remove the skill; see 'moltbot skill lint <dir>'" }
      : { ok: true, detail: `${r.skills.length} loaded` };
  });
  const { findFfmpeg } = await import("../../services/camera/camera-service.ts");
  // Each tool found the way its service finds it: ffmpeg is spawned by name from PATH.
  const tools = [
    ["chromium", existsSync("/usr/bin/chromium") || Bun.which("chromium") !== null, "browser_control", undefined],
    ["ffmpeg", findFfmpeg() !== null, "camera_access", "not in PATH"],
  ] as const;
  for (const [tool, found, use, where] of tools) {
    checks.push({
      name: tool, ok: found, optional: true, hint: `apt-get install ${tool}`,
      detail: found ? `found (for ${use})` : `not installed${where ? ` (${where})` : ""}: ${use} will not work`,
    });
  }
  await attempt("audit", async () => {
    const { verifyAudit } = await import("../../audit/index.ts");
    const r = verifyAudit(paths.audit, { stateDb: paths.state });
    return r.ok
      ? { ok: true, detail: `${paths.audit}: ${r.entries} entries, chain intact` }
      : { ok: false, detail: `${paths.audit}: line ${r.line}: ${r.reason}`, hint: "the log was changed outside Moltbot; keep a copy and investigate" };
  });
  return checks;
}
