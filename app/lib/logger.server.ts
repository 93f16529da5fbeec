// Structured JSON logs on stdout, one line per event. Secrets never reach a log: callers pass ids
// and outcomes, and the `redact` list below scrubs the keys that could carry credentials anyway.
type Level = "debug" | "info" | "warn" | "error";
type Fields = Record<string, unknown>;

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const REDACTED_KEYS = /token|secret|password|credential|authorization|hmac|apikey|api_key/i;

function threshold(): number {
  const configured = (process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info")) as Level;
  return LEVELS[configured] ?? LEVELS.info;
}

export function redact(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (REDACTED_KEYS.test(key)) out[key] = "[redacted]";
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message };
    else if (value && typeof value === "object" && !Array.isArray(value)) out[key] = redact(value as Fields);
    else out[key] = value;
  }
  return out;
}

export interface Logger {
  debug(fields: Fields | string, message?: string): void;
  info(fields: Fields | string, message?: string): void;
  warn(fields: Fields | string, message?: string): void;
  error(fields: Fields | string, message?: string): void;
  child(bindings: Fields): Logger;
}

function createLogger(bindings: Fields): Logger {
  const write = (level: Level) => (fields: Fields | string, message?: string) => {
    if (LEVELS[level] < threshold()) return;
    const [extra, msg] = typeof fields === "string" ? [{}, fields] : [fields, message];
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...redact({ ...bindings, ...extra }) });
    (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (more) => createLogger({ ...bindings, ...more }),
  };
}

export const logger: Logger = createLogger({});
