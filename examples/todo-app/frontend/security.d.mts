// Types of security.mjs for proxy.standalone.ts and next.config.mjs.
export function apiOrigins(apiUrl?: string): string[];
export function contentSecurityPolicy(options: { scriptSources: string[]; styleSources?: string[]; apiUrl?: string }): string;
export const FRAME_AND_FORM_POLICY: string[];
export const SECURITY_HEADERS: Record<string, string>;
export const HSTS: string;
export const CACHE_IMMUTABLE: string;
export const CACHE_REVALIDATE: string;
