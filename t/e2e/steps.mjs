// Walks a multi-step civic form in a real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), once with JavaScript off
// and once with it on, in each language given: errors on a step, Continue,
// Back, a conditional step, Save and continue later and the resume link,
// check your answers with a Change, and Submit. With JavaScript on, axe-core
// checks every page met on the way.
//   node t/e2e/steps.mjs BASE_URL FORM_PATH LANG...
// The form is t/forms_steps_browser.t's permit form. Prints one line per
// check ("ok - ..." / "not ok - ..."); exits 1 if any failed.
import { axe as axeCheck, check, finish, withBrowser } from './browser.mjs';

const [base, formPath, ...langs] = process.argv.slice(2);

async function axe(page, what, scripted) {
  if (scripted) await axeCheck(page, what);
}

const progress = async page => ((await page.locator('.civic-progress').textContent()) || '').trim();

async function walk(context, lang, scripted) {
  const how = `[${lang}, JavaScript ${scripted ? 'on' : 'off'}]`;
  const page = await context.newPage();
  const response = await page.goto(`${base}${formPath}?lang=${lang}`);
  check(response.status() === 200, `${how} the first step loads`);
  check(/1\D+2/.test(await progress(page)), `${how} progress says step 1 of 2 (${await progress(page)})`);
  await axe(page, `${how} the first step`, scripted);

  await page.click('button[value=continue]');
  check(await page.locator('.civic-error-summary a').count() === 2, `${how} an empty step: a summary linking to 2 fields`);
  await axe(page, `${how} a step with errors`, scripted);

  await page.fill('#f-name', 'Matti Meikäläinen');
  await page.fill('#f-email', 'matti@example.fi');
  await page.click('button[value=continue]');
  check(/2\D+2/.test(await progress(page)), `${how} Continue leads to step 2`);
  await axe(page, `${how} the second step`, scripted);

  // Save and continue later, then come back through the link.
  await page.check('#f-kind-1');  // festival
  await page.fill('#f-place', 'Kauppatori');
  await page.click('button[value=save]');
  const link = ((await page.locator('#civic-resume-link').textContent()) || '').trim();
  check(/[?&]draft=/.test(link), `${how} Save gives a resume link`);
  await axe(page, `${how} the saved page`, scripted);
  await page.goto(link);
  check(await page.inputValue('#f-place') === 'Kauppatori', `${how} the link opens the step with its answers`);
  check(await page.isChecked('#f-kind-1'), `${how} and its choice`);

  await page.fill('#f-date', '2027-06-12');
  await page.click('button[value=continue]');
  check(/3\D+3/.test(await progress(page)), `${how} a festival adds its step (${await progress(page)})`);
  await page.click('button[value=back]');
  check(await page.isChecked('#f-kind-1'), `${how} Back keeps the answers`);
  await page.click('button[value=continue]');
  await page.fill('#f-guards', '500');
  await page.click('button[value=continue]');
  check(await page.locator('.civic-error-summary').count() === 1, `${how} a number over the limit is an error`);
  await axe(page, `${how} the festival step with an error`, scripted);
  await page.fill('#f-guards', '20');
  await page.click('button[value=continue]');
  check(await page.locator('.civic-check-answers').count() === 1, `${how} the check-answers page`);
  check(await page.locator('.civic-summary-row').count() >= 8, `${how} lists the answers`);
  await axe(page, `${how} the check-answers page`, scripted);

  // Change the kind: the festival step and its answers leave the summary.
  await page.click('a[href*="step=event"][href*="#f-kind"]');
  await page.check('#f-kind-2');  // market
  await page.click('button[value=continue]');
  check(await page.locator('.civic-check-answers').count() === 1, `${how} Continue after a change returns to the check page`);
  check(!(await page.content()).includes('f-guards'), `${how} without the festival step`);

  await page.click('button[value=submit]');
  const receipt = ((await page.locator('#civic-receipt').textContent()) || '').trim();
  check(/^LUPA-\d{4}-[0-9A-Z]{1,8}-\d{6}$/.test(receipt), `${how} the citizen sees a receipt (${receipt})`);
  await axe(page, `${how} the receipt page`, scripted);
  await page.goBack();
  await page.goBack();
  check((await page.content()).length > 0, `${how} the browser's Back after sending shows a page`);
  await page.close();
  return receipt;
}

for (const scripted of [false, true]) {
  await withBrowser(scripted, async context => {
    for (const lang of langs) {
      try {
        await walk(context, lang, scripted);
      } catch (e) {
        check(false, `[${lang}, JavaScript ${scripted ? 'on' : 'off'}] the walk ran to the end`, e.stack);
      }
    }
  });
}
finish();
