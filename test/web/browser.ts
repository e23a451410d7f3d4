/**
 * Debian's headless Chromium driven by playwright-core (no browser download), for
 * the workspace's browser tests: one browser per test file, a fresh profile per
 * sign-in, and every page's script errors and Content-Security-Policy refusals collected.
 *
 * Tests skip, saying why, when /usr/bin/chromium is missing outside CI; in CI they run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

export const SKIP_REASON =
  !existsSync(CHROMIUM) && !process.env.CI
    ? `${CHROMIUM} is missing — install it with "apt-get install -y chromium" to run the browser tests (CI always runs them)`
    : null;

export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export interface SignInOptions {
  viewport?: { width: number; height: number };
  /** What shows once the workspace has loaded; a page by default. */
  ready?: string;
}

export interface Workspace {
  /** `who: message` for every uncaught script error on any page. */
  pageErrors: string[];
  /** A fresh browser profile, signed in with an API token through the sign-in form's token fold. */
  signIn(token: string, who: string, o?: SignInOptions): Promise<Page>;
  /** A fresh browser profile, signed in with a login and password. */
  signInWithPassword(login: string, password: string, who: string, o?: SignInOptions): Promise<Page>;
  /** A fresh browser profile on the sign-in form. */
  blank(who: string, o?: SignInOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function openWorkspace(base: string): Promise<Workspace> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function blank(who: string, o: SignInOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: o.viewport ?? DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(context);
    // Fail in seconds, not half a minute: every wait here is for a page on localhost.
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${who}: ${err.message}`));
    // A script, style or request the Content-Security-Policy refused is a broken page too.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(`${who}: ${msg.text()}`);
    });
    await page.goto(`${base}/`);
    await page.waitForSelector('#login');
    return page;
  }

  return {
    pageErrors,
    blank,
    async signIn(token, who, o = {}) {
      const page = await blank(who, o);
      await page.click('#use-token summary');
      await page.fill('#token', token);
      await page.click('#token-button');
      await page.waitForSelector(o.ready ?? '.page[data-ready]');
      return page;
    },
    async signInWithPassword(login, password, who, o = {}) {
      const page = await blank(who, o);
      await page.fill('#login', login);
      await page.fill('#password', password);
      await page.click('#signin-button');
      await page.waitForSelector(o.ready ?? '.page[data-ready]');
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Goes to a route of the workspace and waits for what it shows. */
export async function open(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForSelector(ready);
}
