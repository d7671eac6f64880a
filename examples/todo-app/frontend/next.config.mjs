// Two builds from one source, matching NextFrontend's two modes:
//   NEXT_OUTPUT=standalone (default): `node server.js` on PORT (3000), the image's default target
//   NEXT_OUTPUT=export: static files in out/, served by unprivileged nginx on 8080
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const mode = process.env.NEXT_OUTPUT ?? 'standalone';
if (mode !== 'standalone' && mode !== 'export') {
  throw new Error(`NEXT_OUTPUT must be "standalone" or "export"; got "${mode}"`);
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: mode,
  reactStrictMode: true,
  poweredByHeader: false,
  // This app has its own package-lock.json; without these Next.js would take the repository root for the
  // workspace and nest server.js under examples/todo-app/frontend/ in the standalone output.
  outputFileTracingRoot: here,
  turbopack: { root: here },
};

export default nextConfig;
