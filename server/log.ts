/** One line per event, `key=value` fields; never log request bodies or document content. */
type Fields = Record<string, string | number | boolean | null | undefined>;

function format(level: string, message: string, fields?: Fields): string {
  const parts = [`[mend] ${level} ${message}`];
  if (fields) {
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${k}=${v}`);
  }
  return parts.join(" ");
}

export const log = {
  info: (message: string, fields?: Fields) => console.log(format("info", message, fields)),
  warn: (message: string, fields?: Fields) => console.warn(format("warn", message, fields)),
  error: (message: string, fields?: Fields) => console.error(format("error", message, fields)),
};
