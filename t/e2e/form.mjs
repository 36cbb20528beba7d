// Fills in and sends a civic form in a real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), in each language given,
// and runs axe-core on the form page and on the page with errors.
//   node t/e2e/form.mjs BASE_URL FORM_PATH LANG...
// Prints one line per check ("ok - ..." / "not ok - ..."); exits 1 if any failed.
import { axe, check, finish, withBrowser } from './browser.mjs';

const [base, formPath, ...langs] = process.argv.slice(2);

await withBrowser(false, async context => {
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
});

// axe needs JavaScript in the page; the citizen's flow above ran without it.
await withBrowser(true, async scripted => {
  for (const lang of langs) {
    const page = await scripted.newPage();
    await page.goto(`${base}${formPath}?lang=${lang}`);
    await axe(page, `the ${lang} form page`);
    await page.click('button[type=submit]');
    await page.waitForSelector('.civic-error-summary');
    await axe(page, `the ${lang} page with errors`);
    await page.close();
  }
});
finish();
