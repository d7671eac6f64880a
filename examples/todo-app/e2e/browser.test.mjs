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

async function withBrowser(base, body) {
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
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
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
      const stored = await page.evaluate(async () => (await fetch('/api/todos')).json());
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
