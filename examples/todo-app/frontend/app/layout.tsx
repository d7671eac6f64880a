import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Todo',
  description: 'The reference todo app of cdk8s-fastapi-nextjs',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Standalone: rendered per request, so each page carries the fresh CSP nonce of proxy.standalone.ts (and is never cached
  // as a whole). The static export is rendered once, its scripts allowed by hash (scripts/csp-meta.mjs).
  if (process.env.NEXT_OUTPUT !== 'export') await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
