// One Ajv for the process, created on first validateParams (or a strict load): importing it
// costs tens of milliseconds that loading skills at gateway start should not pay.
// `require` keeps this synchronous so validateParams can stay a plain function.
import type { default as AjvClass } from "ajv";
import { FORMATS } from "./formats.ts";
import { linearRegExp } from "./linear-regexp.ts";

let instance: AjvClass | undefined;

export function getAjv(): AjvClass {
  if (!instance) {
    const Ajv = (require("ajv") as { default: typeof AjvClass }).default;
    instance = new Ajv({
      strict: true,
      allowUnionTypes: true,
      allErrors: false,
      useDefaults: true,
      verbose: true, // errors carry parentSchema, so "not allowed" can list the allowed names
      addUsedSchema: false, // two skills may reuse one $id without colliding
      formats: FORMATS,
      // A manifest's `pattern` runs on the main thread against arguments the model wrote, so a
      // backtracking engine would let `^(a|a)*$` hang the gateway.
      code: { regExp: linearRegExp },
      // On a failed compile Ajv logs the whole generated function (megabytes for a big schema);
      // the error itself still throws and reaches the user through validateParams.
      logger: false,
    });
  }
  return instance;
}
