// Fills in and sends a civic form in a real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), in each language given,
// and runs axe-core on the form page and on the page with errors.
//   node t/e2e/form.mjs BASE_URL FORM_PATH LANG...
// Prints one line per check ("ok - ..." / "not ok - ..."); exits 1 if any failed.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const [base, formPath, ...langs] = process.argv.slice(2);
let failures = 0;

function check(ok, name, detail) {
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
  if (!ok) {
    failures++;
    if (detail) console.log(`# ${String(detail).split('\n').join('\n# ')}`);
  }
}

async function axe(page, what) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // Every rule axe runs by default (WCAG 2.0/2.1 A and AA, best practices).
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
  });
  check(result.length === 0, `axe: no violations on ${what}`, result.join('\n'));
}

const profile = mkdtempSync(join(tmpdir(), 'civic-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CIVIC_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  javaScriptEnabled: false,  // the form must work without JavaScript
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-dev-shm-usage'],
});

try {
  for (const lang of langs) {
    const page = await context.newPage();
    const response = await page.goto(`${base}${formPath}?lang=${lang}`);
    check(response.status() === 200, `[${lang}] the form page loads`);
    check(await page.getAttribute('html', 'lang') === lang, `[${lang}] the page is in ${lang}`);
    // Send it empty: the errors, in the page's language.
    await page.click('button[type=submit]');
    check(page.url().includes(formPath), `[${lang}] an empty form comes back`);
    const summary = await page.locator('.civic-error-summary').count();
    check(summary === 1, `[${lang}] with an error summary`);
    const links = await page.locator('.civic-error-summary a').count();
    check(links >= 3, `[${lang}] linking to the fields in error (${links})`);

    // Fill it in and send it.
    await page.fill('#f-name', 'Matti Meikäläinen');
    await page.fill('#f-email', 'matti@example.fi');
    await page.selectOption('#f-topic', 'roads');
    await page.fill('#f-message', 'Kuoppa kadulla\nAurakatu 1');
    await page.check('#f-consent');
    await page.click('button[type=submit]');
    const receipt = (await page.locator('#civic-receipt').textContent() || '').trim();
    check(/^PAL-\d{4}-[0-9A-Z]{1,8}-\d{6}$/.test(receipt), `[${lang}] the citizen sees a receipt (${receipt})`);
    await page.close();
  }
} finally {
  await context.close();
}

// axe needs JavaScript in the page; the citizen's flow above ran without it.
const scriptedProfile = mkdtempSync(join(tmpdir(), 'civic-chromium-'));
const scripted = await chromium.launchPersistentContext(scriptedProfile, {
  executablePath: process.env.CIVIC_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-dev-shm-usage'],
});
try {
  for (const lang of langs) {
    const page = await scripted.newPage();
    await page.goto(`${base}${formPath}?lang=${lang}`);
    await axe(page, `the ${lang} form page`);
    await page.click('button[type=submit]');
    await page.waitForSelector('.civic-error-summary');
    await axe(page, `the ${lang} page with errors`);
    await page.close();
  }
} finally {
  await scripted.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(scriptedProfile, { recursive: true, force: true });
}
console.log(`# ${failures} failed`);
process.exit(failures ? 1 : 0);
