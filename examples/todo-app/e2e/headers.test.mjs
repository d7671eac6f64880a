// Both frontend modes send the same security headers (../frontend/security.mjs), cache what is hashed and
// revalidate the rest, compress, and answer an unknown path with the app's 404 page. Run by ../test.sh against
// the servers themselves (TODO_E2E_STANDALONE, TODO_E2E_STATIC, and TODO_E2E_STATIC_IPV6 where the machine has
// IPv6), so nothing between them and the test adds or removes a header.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  CACHE_IMMUTABLE, CACHE_REVALIDATE, FRAME_AND_FORM_POLICY, HSTS, SECURITY_HEADERS, contentSecurityPolicy,
} from '../frontend/security.mjs';

const MODES = {
  standalone: process.env.TODO_E2E_STANDALONE,
  static: process.env.TODO_E2E_STATIC,
};
if (!MODES.standalone || !MODES.static) {
  throw new Error('Set TODO_E2E_STANDALONE and TODO_E2E_STATIC to the frontends, e.g. http://127.0.0.1:3000 and http://127.0.0.1:8080');
}

async function get(url, headers = {}) {
  const response = await fetch(url, { headers: { 'Accept-Encoding': 'gzip', ...headers }, redirect: 'manual' });
  return { response, body: await response.text() };
}

function assertSecurityHeaders(response, what) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(response.headers.get(name), value, `${what}: ${name}`);
  }
  assert.equal(response.headers.get('strict-transport-security'), null, `${what}: HSTS over plain HTTP`);
}

const inlineScripts = (html) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attributes]) => !/\bsrc=/.test(attributes));

/** What each mode's page must say about scripts: a fresh nonce per response, or the hash of each inline script. */
const SCRIPT_POLICY = {
  standalone(response, html) {
    const policy = response.headers.get('content-security-policy');
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? '')?.[1];
    assert.ok(nonce, `no nonce in ${policy}`);
    assert.equal(policy, contentSecurityPolicy({ scriptSources: [`'nonce-${nonce}'`, "'strict-dynamic'"], styleSources: [`'nonce-${nonce}'`] }));
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`), tag);
    return nonce;
  },
  static(response, html) {
    assert.equal(response.headers.get('content-security-policy'), FRAME_AND_FORM_POLICY.join('; '));
    const meta = /<head><meta http-equiv="Content-Security-Policy" content="([^"]+)"\/>/.exec(html)?.[1];
    assert.ok(meta, 'the page does not start its <head> with a policy');
    const hashes = inlineScripts(html).map(([, , body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
    assert.ok(hashes.length > 0);
    for (const hash of hashes) assert.ok(meta.includes(hash), `inline script ${hash} is not allowed by the page's policy`);
    assert.doesNotMatch(meta, /unsafe-inline|unsafe-eval/);
    return meta;
  },
};

for (const [mode, base] of Object.entries(MODES)) {
  test(`${mode}: the page has the security headers, a script policy, is revalidated and compressed`, async () => {
    const { response, body } = await get(`${base}/`);
    assert.equal(response.status, 200);
    assertSecurityHeaders(response, `${mode} /`);
    const first = SCRIPT_POLICY[mode](response, body);
    const cacheControl = response.headers.get('cache-control') ?? '';
    // Before: standalone sent s-maxage=31536000 (a CDN kept the page for a year), static sent nothing at all.
    assert.doesNotMatch(cacheControl, /max-age=[1-9]|s-maxage/, cacheControl);
    assert.match(cacheControl, mode === 'static' ? new RegExp(`^${CACHE_REVALIDATE}$`) : /no-store/);
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    if (mode === 'standalone') {
      const again = await get(`${base}/`);
      assert.notEqual(SCRIPT_POLICY.standalone(again.response, again.body), first, 'the nonce is the same twice');
    }
  });

  test(`${mode}: hashed build output is immutable, compressed and nosniff`, async () => {
    const { body } = await get(`${base}/`);
    const chunk = /\/_next\/static\/[^"]+\.js/.exec(body)?.[0];
    assert.ok(chunk, 'no script chunk on the page');
    const { response } = await get(`${base}${chunk}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), CACHE_IMMUTABLE);
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    assertSecurityHeaders(response, `${mode} ${chunk}`);
  });

  test(`${mode}: HSTS only when TLS was terminated in front`, async () => {
    const { response } = await get(`${base}/`, { 'X-Forwarded-Proto': 'https' });
    assert.equal(response.headers.get('strict-transport-security'), HSTS);
  });

  test(`${mode}: an unknown path is the app's 404 page with the same headers`, async () => {
    const { response, body } = await get(`${base}/no-such-page`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(body, /Page not found/);
    assertSecurityHeaders(response, `${mode} 404`);
    assert.doesNotMatch(response.headers.get('cache-control') ?? '', /max-age=[1-9]|s-maxage/);
  });
}

test('static: listens on IPv6 too', { skip: !process.env.TODO_E2E_STATIC_IPV6 && 'the machine has no IPv6 loopback' }, async () => {
  const { response } = await get(`${process.env.TODO_E2E_STATIC_IPV6}/`);
  assert.equal(response.status, 200);
});
