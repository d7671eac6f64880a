// The proxy of the standalone server (next.config.mjs: pageExtensions; a static export has no server): a fresh nonce per page request, in the
// Content-Security-Policy of the response and of the request, from which Next.js takes it for its own scripts.
import { NextRequest, NextResponse } from 'next/server';
import { contentSecurityPolicy } from './security.mjs';

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = contentSecurityPolicy({ scriptSources: [`'nonce-${nonce}'`, "'strict-dynamic'"], styleSources: [`'nonce-${nonce}'`] });
  const headers = new Headers(request.headers);
  headers.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  // Pages only: the hashed build output and the icon carry no scripts to allow.
  matcher: [{ source: '/((?!_next/static|_next/image|icon.svg).*)', missing: [{ type: 'header', key: 'next-router-prefetch' }] }],
};
