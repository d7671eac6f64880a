// After `NEXT_OUTPUT=export next build` (npm run build): give every exported page a Content-Security-Policy
// <meta> tag that allows exactly its own inline scripts, by SHA-256. A static export has no server to make a
// nonce per request; nginx sends the rest of the policy (frame-ancestors cannot be set by a <meta> tag).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentSecurityPolicy } from '../security.mjs';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/g;

/** The page with its policy as the first element of <head>, so it covers every script after it. */
export function withPolicy(html, file) {
  const hashes = [];
  let scripts = 0;
  for (const [, attributes, body] of html.matchAll(SCRIPT)) {
    scripts += 1;
    if (/\bsrc=/.test(attributes)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  // Every <script opening tag was understood; otherwise a script would be blocked in the browser.
  if (scripts !== (html.match(/<script\b/g) ?? []).length) throw new Error(`${file}: a <script> element this script cannot read`);
  if (html.includes('http-equiv="Content-Security-Policy"')) throw new Error(`${file}: already has a policy (run next build again)`);
  const policy = contentSecurityPolicy({ scriptSources: [...new Set(hashes)] })
    // Browsers ignore these in a <meta> policy and warn about them; nginx sends them as a header.
    .split('; ').filter((directive) => !directive.startsWith('frame-ancestors')).join('; ');
  if (!/<head>/.test(html)) throw new Error(`${file}: no <head>`);
  return html.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${policy}"/>`);
}

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? htmlFiles(full) : entry.name.endsWith('.html') ? [full] : [];
  });
}

if ((process.env.NEXT_OUTPUT ?? 'standalone') === 'export') {
  const files = htmlFiles(out);
  for (const file of files) writeFileSync(file, withPolicy(readFileSync(file, 'utf8'), path.relative(out, file)));
  console.log(`csp-meta: a script policy in ${files.length} pages of ${path.relative(process.cwd(), out)}/`);
}
