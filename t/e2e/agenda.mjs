// A calendar's agenda page in a real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), as a visitor uses it
// without JavaScript: the list in each language given, the filter form
// sent, an event's page and its "add to calendar" link; then axe-core on
// the list and the event page.
//   node t/e2e/agenda.mjs BASE_URL CALENDAR_PATH LANG...
// Prints one line per check ("ok - ..." / "not ok - ..."); exits 1 if any failed.
import { axe, check, finish, withBrowser } from './browser.mjs';

const [base, calPath, ...langs] = process.argv.slice(2);

await withBrowser(false, async context => {
  for (const lang of langs) {
    const page = await context.newPage();
    const response = await page.goto(`${base}${calPath}.html?lang=${lang}&start=2027-03-01&end=2027-03-31`);
    check(response.status() === 200, `[${lang}] the agenda loads`);
    check(await page.getAttribute('html', 'lang') === lang, `[${lang}] in ${lang}`);
    const days = await page.locator('main h2').count();
    check(days >= 3, `[${lang}] days as headings (${days} headings)`);
    const events = await page.locator('.civic-agenda-day article').count();
    check(events >= 3, `[${lang}] events listed (${events})`);

    // The filter form, sent as a visitor sends it.
    await page.fill('#civic-text', 'konsertti');
    await page.click('button[type=submit]');
    check(page.url().includes('text=konsertti'), `[${lang}] the filter is the feeds' own query (${page.url()})`);
    const found = await page.locator('.civic-agenda-day article').count();
    check(found === 1, `[${lang}] one event found`);
    const subscribe = await page.locator('a[href^="webcal://"]').first().getAttribute('href');
    check(subscribe.includes('text=konsertti'), `[${lang}] a subscribe link for the filter (${subscribe})`);
    const google = await page.locator('a[href^="https://calendar.google.com/"]').count();
    const outlook = await page.locator('a[href^="https://outlook.live.com/"]').count();
    check(google >= 1 && outlook >= 1, `[${lang}] Google Calendar and Outlook subscribe links`);

    // The event's own page and its .ics.
    await page.click('.civic-agenda-day article a');
    check(page.url().endsWith('.html'), `[${lang}] the event's page (${page.url()})`);
    const ics = await page.locator('a[type="text/calendar"]').getAttribute('href');
    const got = await context.request.get(ics);
    check(got.status() === 200 && (await got.text()).includes('BEGIN:VEVENT'), `[${lang}] "add to calendar" gives the event's .ics`);
    await page.close();
  }
});

// axe needs JavaScript in the page; the visitor's flow above ran without it.
await withBrowser(true, async scripted => {
  for (const lang of langs) {
    const page = await scripted.newPage();
    await page.goto(`${base}${calPath}.html?lang=${lang}&start=2027-03-01&end=2027-03-31&page_size=2`);
    await axe(page, `the ${lang} agenda`);
    await page.click('.civic-agenda-day article a');
    await axe(page, `the ${lang} event page`);
    await page.close();
  }
});
finish();
