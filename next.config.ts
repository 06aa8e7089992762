import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // These must be the same module instances the custom server uses (two copies of yjs in one
  // process break it; PGlite and argon2 are native or WASM and must not be bundled).
  serverExternalPackages: ["yjs", "@electric-sql/pglite", "postgres", "@node-rs/argon2", "drizzle-orm"],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
