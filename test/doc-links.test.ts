/**
 * Every relative link in the repository's Markdown (README.md, docs/ with the generated API reference, the READMEs
 * beside the code, CHANGELOG.md) points at a file or directory that exists, and every `#anchor` at a heading or an
 * `id` of the page it names, as GitHub renders them. Links to other sites are not fetched.
 */
import * as fs from 'fs';
import * as path from 'path';
import MarkdownIt from 'markdown-it';

const REPO = path.resolve(__dirname, '..');
const SKIPPED_DIRS = new Set(['node_modules', 'build', 'dist', '.git', 'coverage']);

function markdownFiles(dir = REPO): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : markdownFiles(path.join(dir, entry.name));
    return entry.name.endsWith('.md') ? [path.join(dir, entry.name)] : [];
  }).sort();
}

const markdown = new MarkdownIt({ html: true });
type Token = ReturnType<MarkdownIt['parse']>[number];

/** The text GitHub makes an anchor of: the heading's text and inline code, without the Markdown. */
function plainText(inline: Token): string {
  return (inline.children ?? []).filter((child) => child.type === 'text' || child.type === 'code_inline').map((child) => child.content).join('');
}

/**
 * GitHub's heading anchors (github-slugger): lower case, everything but letters, digits, `_`, `-` and spaces
 * removed, spaces turned into `-`; a repeated anchor gets `-1`, `-2`, ...
 */
export function headingAnchors(headings: string[]): string[] {
  const seen = new Map<string, number>();
  return headings.map((heading) => {
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    return count === 0 ? slug : `${slug}-${count}`;
  });
}

interface Page {
  links: string[];
  anchors: Set<string>;
}

const pages = new Map<string, Page>();
function page(file: string): Page {
  let parsed = pages.get(file);
  if (!parsed) {
    const tokens = markdown.parse(fs.readFileSync(file, 'utf8'), {});
    const inlines = tokens.flatMap((token) => (token.type === 'inline' ? [token, ...(token.children ?? [])] : [token]));
    const links = inlines.flatMap((token) => {
      if (token.type === 'link_open') return [token.attrGet('href') ?? ''];
      if (token.type === 'image') return [token.attrGet('src') ?? ''];
      if (token.type === 'html_inline' || token.type === 'html_block') return [...token.content.matchAll(/\bhref="([^"]*)"/g)].map((match) => match[1]);
      return [];
    });
    const headings = tokens.flatMap((token, index) => (token.type === 'heading_open' ? [plainText(tokens[index + 1])] : []));
    const ids = inlines.flatMap((token) => (token.type === 'html_inline' || token.type === 'html_block'
      ? [...token.content.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)].map((match) => match[1]) : []));
    parsed = { links, anchors: new Set([...headingAnchors(headings), ...ids]) };
    pages.set(file, parsed);
  }
  return parsed;
}

/** What is wrong with one link of `file`, or undefined when it resolves. */
function brokenLink(file: string, link: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) return undefined; // https:, mailto:, ...
  const [target, anchor] = link.split('#', 2) as [string, string | undefined];
  const resolved = target === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(target));
  if (target.startsWith('/')) return 'absolute path (GitHub resolves it from the site root, not the repository)';
  if (!fs.existsSync(resolved)) return `${path.relative(REPO, resolved)} does not exist`;
  if (anchor === undefined || !resolved.endsWith('.md')) return undefined;
  return page(resolved).anchors.has(decodeURIComponent(anchor)) ? undefined : `no heading or id "${anchor}" in ${path.relative(REPO, resolved)}`;
}

const FILES = markdownFiles();

test('the Markdown files include README.md, docs/ and the API reference', () => {
  const relative = FILES.map((file) => path.relative(REPO, file));
  expect(relative).toEqual(expect.arrayContaining(['README.md', 'docs/development.md', 'docs/consumer-guide.md', 'docs/api/README.md']));
});

test('every relative link and anchor resolves', () => {
  const broken = FILES.flatMap((file) => page(file).links.flatMap((link) => {
    const problem = brokenLink(file, link);
    return problem ? [`${path.relative(REPO, file)}: (${link}) ${problem}`] : [];
  }));
  expect(broken).toEqual([]);
});

describe('the checks can fail', () => {
  test('GitHub anchors: punctuation dropped, inline code kept, repeats numbered', () => {
    expect(headingAnchors(['The control plane of `npm run test:cluster`', 'Values', 'Values', 'Helm: install, upgrade & roll back']))
      .toEqual(['the-control-plane-of-npm-run-testcluster', 'values', 'values-1', 'helm-install-upgrade--roll-back']);
  });

  test('a missing file, a missing anchor and an absolute path are reported', () => {
    const guide = path.join(REPO, 'docs', 'consumer-guide.md');
    expect(brokenLink(guide, 'docs/api/README.md')).toBe('docs/docs/api/README.md does not exist');
    expect(brokenLink(guide, 'development.md#no-such-heading')).toBe('no heading or id "no-such-heading" in docs/development.md');
    expect(brokenLink(guide, '/docs/helm.md')).toMatch(/^absolute path/);
    expect(brokenLink(guide, 'api/README.md')).toBeUndefined();
    expect(brokenLink(guide, 'https://example.com/x.md#y')).toBeUndefined();
  });
});
