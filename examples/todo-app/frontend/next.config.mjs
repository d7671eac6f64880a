// Two builds from one source, matching NextFrontend's two modes:
//   NEXT_OUTPUT=standalone (default): `node server.js` on PORT (3000), the image's default target
//   NEXT_OUTPUT=export: static files in out/, served by unprivileged nginx on 8080
// Security headers and caching (security.mjs): here and in proxy.standalone.ts for standalone; nginx/default.conf and
// scripts/csp-meta.mjs for the export.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_REVALIDATE, FRAME_AND_FORM_POLICY, HSTS, SECURITY_HEADERS } from './security.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const mode = process.env.NEXT_OUTPUT ?? 'standalone';
if (mode !== 'standalone' && mode !== 'export') {
  throw new Error(`NEXT_OUTPUT must be "standalone" or "export"; got "${mode}"`);
}

const asList = (headers) => Object.entries(headers).map(([key, value]) => ({ key, value }));

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: mode,
  // proxy.standalone.ts is the proxy (Next.js middleware) of the standalone server only: a static export has none.
  pageExtensions: mode === 'standalone' ? ['tsx', 'ts', 'standalone.ts'] : ['tsx', 'ts'],
  reactStrictMode: true,
  poweredByHeader: false,
  // The layout renders per request in standalone mode (a fresh CSP nonce each time), statically for the export.
  env: { NEXT_OUTPUT: mode },
  // This app has its own package-lock.json; without these Next.js would take the repository root for the
  // workspace and nest server.js under examples/todo-app/frontend/ in the standalone output.
  outputFileTracingRoot: here,
  turbopack: { root: here },
  // A static export has no server to send headers: nginx does (nginx/default.conf).
  ...(mode === 'standalone' && {
    async headers() {
      return [
        { source: '/:path*', headers: asList({ ...SECURITY_HEADERS, 'Content-Security-Policy': FRAME_AND_FORM_POLICY.join('; ') }) },
        { source: '/:path*', has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }], headers: asList({ 'Strict-Transport-Security': HSTS }) },
        // The icon and other files outside the hashed build output: revalidated, as the pages are.
        { source: '/icon.svg', headers: asList({ 'Cache-Control': CACHE_REVALIDATE }) },
      ];
    },
  }),
};

export default nextConfig;
