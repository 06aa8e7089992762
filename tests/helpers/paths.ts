import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Scratch space for test servers' data folders; removed by the global teardown. */
export const TMP = path.join(ROOT, "tests", ".tmp");
export const PGLITE_TEMPLATE = path.join(TMP, "pglite-template");
