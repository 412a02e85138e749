// Argument parsing for subcommands: node:util's parseArgs in strict mode, with its errors turned
// into one-line usage errors (exit 2) that point at --help.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { fail } from "../contracts/errors.ts";
import { writeOut } from "./output.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parse<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    const unknown = (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'([^']+)'/.exec(message)?.[1] : undefined;
    if (unknown !== undefined) {
      const near = nearest(unknown.replace(/^-+/, ""), Object.keys(options));
      fail("invalid_input", `${command}: unknown option ${unknown}${near ? `; did you mean --${near}?` : ""}`, `see 'moltbot ${command} --help'`);
    }
    fail("invalid_input", `${command}: ${message.replace(/\.$/, "")}`, `see 'moltbot ${command} --help'`);
  }
}

/** The option a mistyped name most likely meant: a prefix of it or within two edits, else undefined. */
function nearest(given: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = name.startsWith(given) || given.startsWith(name) ? 1 : distance(given, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return given.length > 1 ? best : undefined;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

export function requireValue(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === "") {
    fail("invalid_input", `${command}: ${flag} is required`, `see 'moltbot ${command} --help'`);
  }
  return value;
}

type Handler = (argv: string[]) => Promise<number>;

/**
 * Runs `<command> <sub> ...`: the handler for `sub`, or the command's help (exit 0 when asked
 * for, 2 when no subcommand was given), or a usage error for an unknown subcommand.
 */
export async function dispatch(command: string, help: string, subcommands: Record<string, Handler>, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "-h" || sub === "--help" || sub === "help") {
    await writeOut(help);
    return sub === undefined ? 2 : 0;
  }
  const handler = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (!handler) fail("invalid_input", `${command}: unknown subcommand '${sub}'`, `see 'moltbot ${command} --help'`);
  return handler(rest);
}

/**
 * `<command> <sub> [positionals] [options]` where every subcommand takes the same options:
 * the parsed arguments, or, when help was asked for (or no subcommand given), the exit code
 * after printing `help`.
 */
export async function subcommandArgs<O extends Options>(command: string, help: string, argv: string[], options: O) {
  const [sub, ...rest] = argv;
  const parsed = parse(rest, { ...options, help: { type: "boolean", short: "h" } }, `${command} ${sub ?? ""}`.trim());
  if (sub === undefined || sub === "help" || sub === "-h" || sub === "--help" || (parsed.values as { help?: boolean }).help) {
    await writeOut(help);
    return sub === undefined ? 2 : 0;
  }
  return { sub, values: parsed.values, positionals: parsed.positionals };
}
