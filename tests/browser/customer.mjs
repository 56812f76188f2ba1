// What a customer does with <credit-advisor> in a page, shared by the browser tests and the page
// benchmark (benches/browser/bench-page.mjs): the applicant they type and how they fill the form.
import { readFileSync } from 'node:fs';

// A plausible applicant, typed as a person would (the texts a form gives); band E, declined.
// Written by hand in tests/fixtures/applicant.json, which the Rust tests read too.
export const APPLICANT = JSON.parse(readFileSync(new URL('../fixtures/applicant.json', import.meta.url), 'utf8'));

/** Types `values` (field name → text) into the widget's form, choosing options in its selects. */
export async function fill(page, values) {
  for (const [name, value] of Object.entries(values)) {
    const el = page.locator(`credit-advisor [name="${name}"]`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
}

/** The widget's button named `name`. */
export const button = (page, name) => page.locator('credit-advisor').getByRole('button', { name });
