// Argument parsing for subcommands: node:util's parseArgs in strict mode, with its errors turned
// into one-line usage errors (exit 2) that point at --help.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { fail } from "../contracts/errors.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parse<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    fail("invalid_input", `${command}: ${message.replace(/\.$/, "")}`, `see 'moltbot ${command} --help'`);
  }
}

export function requireValue(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === "") {
    fail("invalid_input", `${command}: ${flag} is required`, `see 'moltbot ${command} --help'`);
  }
  return value;
}
