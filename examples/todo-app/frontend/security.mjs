// The security headers of both frontend modes, from one place. The standalone server sends them from proxy.standalone.ts
// and next.config.mjs; the static export gets its script policy as a <meta> tag (scripts/csp-meta.mjs) and the
// rest from nginx/default.conf, which the e2e test compares with these values.

/** Where the browser may send API calls: its own origin, and NEXT_PUBLIC_API_URL's when that is absolute. */
export function apiOrigins(apiUrl = process.env.NEXT_PUBLIC_API_URL ?? '/api') {
  return /^https?:\/\//.test(apiUrl) ? [new URL(apiUrl).origin] : [];
}

/**
 * The page's Content-Security-Policy: scripts only from this origin and the page's own inline scripts (by nonce
 * or hash), no plugins, no framing, no other hosts.
 * @param {{ scriptSources: string[], styleSources?: string[], apiUrl?: string }} options
 */
export function contentSecurityPolicy({ scriptSources, styleSources = [], apiUrl }) {
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptSources.join(' ')}`,
    `style-src 'self' ${styleSources.join(' ')}`.trim(),
    "img-src 'self' data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...apiOrigins(apiUrl)].join(' '),
    ...FRAME_AND_FORM_POLICY,
  ].join('; ');
}

/** What a <meta> policy cannot say (frame-ancestors) and a header must: sent as a header in both modes. */
export const FRAME_AND_FORM_POLICY = ["object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"];

/** Headers for every response of either mode. */
export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Only over HTTPS (X-Forwarded-Proto from the Ingress or Gateway that terminates TLS): browsers ignore it on HTTP. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** Cache-Control: hashed build output forever, everything else (HTML above all) revalidated on every load. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'no-cache';
