// Test-only: Debian's Chromium driven by playwright-core against the web console of a local
// stack, trusting only the stack's CA (by its public key), with the page's console errors
// collected, axe-core's accessibility check and screenshots written as test artefacts.
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium): the binary, not the /usr/bin shell wrapper. */
const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

/** base64(SHA-256(SubjectPublicKeyInfo)) of a certificate, as Chromium's SPKI list wants it. */
export function spkiHash(certificatePem: string): string {
  const der = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/** Chromium, headless, that accepts certificates chaining to the CA in `caFile` and no others. */
export async function launchChromium(caFile: string): Promise<Browser> {
  if (CHROMIUM === undefined) {
    throw new Error('Chromium is not installed: apt-get install chromium (.ci/run does)');
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      `--ignore-certificate-errors-spki-list=${spkiHash(readFileSync(caFile, 'utf8'))}`,
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-gpu',
    ],
  });
}

/** Every console error and page error of `page` (CSP violations are console errors). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

interface AxeViolation {
  id: string;
  impact?: string;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's violations of impact serious or critical on the page as it is. axe is evaluated
 * through the DevTools protocol, so the page's CSP (no inline script) stays as served.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }
    ).axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[]).filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
}

/** A full-page screenshot in `dir`; fails when the file is empty or implausibly small. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const bytes = statSync(path).size;
  if (bytes < 4_000) throw new Error(`screenshot ${path} is ${bytes} bytes: an empty page?`);
  return path;
}

/**
 * On the audit page: answers GetCheckpoint with `real()` altered by `change`, verifies again and
 * returns the verdict ("Rejected: …"); then verifies the untouched answer again, so that the next
 * refusal cannot be this one's.
 */
export async function verifyAltered(
  page: Page,
  options: {
    real: () => Promise<Record<string, unknown>>;
    change: (body: Record<string, unknown>) => void;
    screenshot: (page: Page) => Promise<unknown>;
  },
): Promise<string | null> {
  const path = '**/omega.v1.TrustService/GetCheckpoint';
  await page.route(path, async (route) => {
    const body = await options.real();
    options.change(body);
    await route.fulfill({ status: 200, json: body });
  });
  await page.getByRole('button', { name: 'Verify again' }).click();
  await page.getByText(/^Rejected: /).waitFor({ timeout: 30_000 });
  const text = await page.getByTestId('audit-verdict').textContent();
  await options.screenshot(page);
  await page.unroute(path);
  await page.getByRole('button', { name: 'Verify again' }).click();
  await page.getByText(/^✔ Verified in your browser/).waitFor({ timeout: 30_000 });
  return text;
}

/** A new page of `context` logged in to the console at `url` with `token`, its errors collected. */
export async function logInAt(
  context: BrowserContext,
  url: string,
  token: string,
): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('who').waitFor();
  return { page, errors };
}
