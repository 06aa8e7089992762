import "server-only";
import type { z } from "zod";
import { currentUser } from "../auth/nextauth";
import { AppError, isAppError } from "../errors";
import { getRuntime, type Runtime } from "../runtime";

const MAX_BODY_BYTES = 64 * 1024;

export interface RouteContext<P, B> {
  req: Request;
  params: P;
  body: B;
  /** Set unless the route was declared with `auth: false`. */
  user: { id: string; name: string; email: string };
  runtime: Runtime;
  ip: string;
}

interface RouteOptions<P, B> {
  /** Defaults to true: a route must opt out of authentication, never opt in. */
  auth?: boolean;
  params?: z.ZodType<P>;
  body?: z.ZodType<B>;
}

export function errorResponse(error: AppError): Response {
  const headers: Record<string, string> = {};
  if (error.details?.retryAfterSeconds) headers["retry-after"] = String(error.details.retryAfterSeconds);
  return Response.json(error.toJSON(), { status: error.status, headers });
}

/** State-changing requests must come from our own pages (a second line behind SameSite cookies). */
function checkOrigin(req: Request, appUrl?: string): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  if (!origin) return;
  const host = req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("forbidden", "This request came from another site.");
  }
  if (originHost !== host && (!appUrl || originHost !== new URL(appUrl).host)) {
    throw new AppError("forbidden", "This request came from another site.");
  }
}

async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError("unsupported_media_type", "Please send JSON (Content-Type: application/json).");
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new AppError("payload_too_large", "That request is too large.");
  const text = await readAtMost(req, MAX_BODY_BYTES);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The request body is not valid JSON.");
  }
}

/** Reads the body as it streams in and stops past `max` bytes (a chunked body has no length). */
async function readAtMost(req: Request, max: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new AppError("payload_too_large", "That request is too large.");
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function invalid(error: z.ZodError): AppError {
  const fields = Object.fromEntries(error.issues.map((i) => [i.path.join(".") || "body", i.message]));
  return new AppError("invalid_input", Object.values(fields)[0] ?? "Please check the request.", { fields });
}

/**
 * Every API route goes through this: origin → authenticated → params → body → handler, and every
 * failure becomes `{ error: { code, message } }` with its status. No stack trace leaves.
 */
export function route<P = Record<string, never>, B = undefined>(
  options: RouteOptions<P, B>,
  handler: (ctx: RouteContext<P, B>) => Promise<Response>,
) {
  return async (req: Request, segment: { params: Promise<Record<string, string>> }): Promise<Response> => {
    try {
      const runtime = getRuntime();
      checkOrigin(req, runtime.config.APP_URL);
      const user = options.auth === false ? null : await currentUser();
      if (options.auth !== false && !user) throw new AppError("unauthenticated", "Please sign in first.");
      let params = {} as P;
      if (options.params) {
        const parsed = options.params.safeParse(await segment.params);
        if (!parsed.success) throw new AppError("not_found", "There is nothing at this address.");
        params = parsed.data;
      }
      let body = undefined as B;
      if (options.body) {
        const parsed = options.body.safeParse(await readJson(req));
        if (!parsed.success) throw invalid(parsed.error);
        body = parsed.data;
      }
      const ip = req.headers.get("x-mend-client-ip") ?? "unknown";
      return await handler({ req, params, body, user: user!, runtime, ip });
    } catch (error) {
      if (isAppError(error)) return errorResponse(error);
      console.error("[mend] error route failed", req.method, new URL(req.url).pathname, error);
      return Response.json(
        { error: { code: "internal", message: "Something went wrong on our side. Please try again." } },
        { status: 500 },
      );
    }
  };
}
