/**
 * Value formats the constructs check in props and validation checks in output: CIDRs and IP addresses, DNS names,
 * label keys and values. No imports, so both entry points share it. (Credentials: secret-values.ts.)
 */

export const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether a text is an IPv4 or IPv6 CIDR with an in-range prefix length. */
export function isCidr(value: string): boolean {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(value);
  if (!match) return false;
  const [, address, prefixText] = match;
  const prefix = Number(prefixText);
  if (IPV4.test(address)) return address.split('.').every((octet) => Number(octet) <= 255 && String(Number(octet)) === octet) && prefix <= 32;
  return isIpv6(address) && prefix <= 128;
}

export function isIpv6(address: string): boolean {
  if (!/^[0-9a-fA-F:]+$/.test(address)) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (groups.some((group) => group.length === 0 || group.length > 4)) return false;
  return halves.length === 2 ? groups.length < 8 : groups.length === 8;
}

/** An IPv4 or IPv6 address (IPv6 also in brackets). */
export function isIpAddress(value: string): boolean {
  return IPV4.test(value) || isIpv6(value.replace(/^\[|\]$/g, ''));
}

/** An RFC 1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63. */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

/** An RFC 1123 subdomain: dot-separated labels, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((part) => DNS_LABEL.test(part));
}

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * What is wrong with a label or annotation key (a qualified name: an optional DNS-subdomain prefix and "/", then at
 * most 63 letters, digits, "-", "_" and "." starting and ending alphanumeric), or undefined when nothing is.
 */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'it has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix === '' || !isDnsSubdomain(prefix))) return `its prefix "${prefix}" is not a lower-case DNS subdomain`;
  if (name === '' || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return `its name part "${name}" is not 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  return undefined;
}

/** Whether a text is a label value: empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME_PART.test(value));
}

/** Whether a name is a path segment the API server can address (RBAC objects and PodDisruptionBudgets need only this). */
export function isPathSegmentName(value: string): boolean {
  return value !== '.' && value !== '..' && !/[/%]/.test(value);
}

/** A host an Ingress rule accepts: a DNS subdomain with an optional leading "*.", and no IP address. */
export function isIngressHost(value: string): boolean {
  return !isIpAddress(value) && value.length <= 253 && isDnsSubdomain(value.startsWith('*.') ? value.slice(2) : value);
}
