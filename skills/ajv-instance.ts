// One Ajv for the process, created on first validateParams (or a strict load): importing it
// costs tens of milliseconds that loading skills at gateway start should not pay.
// `require` keeps this synchronous so validateParams can stay a plain function.
import type { default as AjvClass } from "ajv";
import { FORMATS } from "./formats.ts";

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
    });
  }
  return instance;
}
