// What the browser scripts share: Debian's Chromium started through
// playwright-core with JavaScript off or on, a check that prints "ok - " or
// "not ok - " (t/lib/Civic/E2E.pm turns them into assertions), axe-core run
// on a page, and the exit status at the end.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
let failures = 0;

export function check(ok, name, detail) {
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
  if (!ok) {
    failures++;
    if (detail) console.log(`# ${String(detail).split('\n').join('\n# ')}`);
  }
}

// Every rule axe runs by default (WCAG 2.0/2.1 A and AA, best practices).
// axe needs JavaScript in the page.
export async function axe(page, what) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
  });
  check(result.length === 0, `axe: no violations on ${what}`, result.join('\n'));
}

// Runs `work(context)` in a fresh Chromium profile, JavaScript on or off.
export async function withBrowser(scripted, work) {
  const profile = mkdtempSync(join(tmpdir(), 'civic-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CIVIC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    javaScriptEnabled: scripted,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--disable-dev-shm-usage'],
  });
  try {
    await work(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export function finish() {
  console.log(`# ${failures} failed`);
  process.exit(failures ? 1 : 0);
}
