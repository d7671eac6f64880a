// Headless Chromium (Debian's) adds a todo through the page and finds it again after a reload, through the
// loopback stand-in of the Ingress. One test per base URL in TODO_E2E_URLS (comma-separated), e.g. one per
// frontend mode. Host names resolve to 127.0.0.1 only; every other host fails to resolve inside the browser,
// so the page cannot reach anything outside this machine, and the test fails if it tries.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const urls = (process.env.TODO_E2E_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = process.env.TODO_E2E_ARTIFACTS;
const STEP_TIMEOUT_MS = 15_000;

if (urls.length === 0) {
  throw new Error('Set TODO_E2E_URLS to the base URL(s) to test, e.g. http://todo.localhost:18080');
}

/** Runs `body` on a fresh page; the test fails on a request to another host, a console error (a blocked script
 * or style is one), a page error, or an HTTP error other than the `expected` statuses. */
async function withBrowser(base, body, expected = []) {
  const { hostname } = new URL(base);
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'todo-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    chromiumSandbox: false,
    timeout: 30_000,
    args: [
      '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      `--host-resolver-rules=MAP ${hostname} 127.0.0.1, MAP * ~NOTFOUND`,
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith('http') && url.host !== new URL(base).host) problems.push(`request to another host: ${request.url()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !expected.includes(response.status())) {
        problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
      }
    });
    page.on('console', (message) => {
      // The browser logs the status of an expected error response too ("Failed to load resource: ... 422").
      const expectedStatus = expected.some((status) => message.text().includes(`status of ${status}`));
      if (message.type() === 'error' && !expectedStatus) problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await body(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function loaded(page) {
  // The list has loaded when either an item or the empty note is shown, and no error.
  await page.locator('ul[aria-label="Todos"] li').or(page.getByText('Nothing to do.')).first().waitFor();
  // Within main: Next.js adds its own (empty) role=alert route announcer to the body.
  const alerts = await page.locator('main').getByRole('alert').allInnerTexts();
  assert.deepEqual(alerts, [], 'the page shows an API error');
}

const item = (page, title) => page.locator('ul[aria-label="Todos"] li', { hasText: title });

for (const base of urls) {
  test(`adds a todo through the page and sees it after a reload (${base})`, { timeout: 120_000 }, async () => {
    await withBrowser(base, async (page) => {
      const title = `Water the plants ${Date.now()}`;
      const response = await page.goto(`${base}/`);
      assert.equal(response?.status(), 200);
      assert.equal(await page.title(), 'Todo');
      await loaded(page);

      await page.getByLabel('New todo').fill(title);
      await page.getByRole('button', { name: 'Add' }).click();
      await item(page, title).waitFor();
      assert.equal(await page.getByLabel('New todo').inputValue(), '');

      await page.reload();
      await loaded(page);
      await item(page, title).waitFor();
      assert.equal(await item(page, title).count(), 1);

      // The page and the API agree: the browser's own same-origin call to /api/todos lists it.
      const stored = await page.evaluate(async () => (await (await fetch('/api/todos?limit=200')).json()).items);
      const todo = stored.find((t) => t.title === title);
      assert.deepEqual(todo, { id: todo?.id, title, done: false });

      // Done survives a reload too.
      await item(page, title).getByRole('checkbox').check();
      await page.waitForFunction(async (id) => (await (await fetch(`/api/todos/${id}`)).json()).done === true, todo.id);
      await page.reload();
      await loaded(page);
      assert.equal(await item(page, title).getByRole('checkbox').isChecked(), true);

      // The assistant answers through /api/chat (MODE=mock).
      await page.getByLabel('Ask the assistant').fill('What is left on my todo list?');
      await page.getByRole('button', { name: 'Ask' }).click();
      assert.match(await page.getByLabel('Assistant reply').innerText(), /^You have \d+ open todos?\.$/);

      if (artifacts) {
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: path.join(artifacts, `todo-${new URL(base).port || 'default'}.png`), fullPage: true });
      }

      await item(page, title).getByRole('button', { name: `Delete ${title}` }).click();
      await item(page, title).waitFor({ state: 'detached' });
      await page.reload();
      await loaded(page);
      assert.equal(await item(page, title).count(), 0);
    });
  });
}

for (const base of urls) {
  test(`shows the API's own words when it refuses an input, and the 404 page (${base})`, { timeout: 120_000 }, async () => {
    await withBrowser(base, async (page) => {
      await page.goto(`${base}/`);
      await loaded(page);
      // A control character: the API refuses it (422) with a message per field, not a bare status line.
      await page.getByLabel('New todo').fill('ring the \u0007 bell');
      await page.getByRole('button', { name: 'Add' }).click();
      const alert = page.locator('main').getByRole('alert');
      await alert.waitFor();
      assert.equal(await alert.innerText(), 'Could not add the todo: title: must not contain control characters such as NUL');
      assert.equal(await item(page, 'ring the').count(), 0);

      const missing = await page.goto(`${base}/no-such-page`);
      assert.equal(missing?.status(), 404);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Page not found');
      await page.getByRole('link', { name: 'Back to the todo list' }).click();
      await loaded(page);
    }, [404, 422]);
  });
}
