// One applicant's session with a loaded advisor, apart from the DOM: the values as typed, their
// problems, the questionnaire's answers, the step (form → review → result) and the result.
import { answersObject } from './questionnaire.js';

export class Session {
  values = {};
  problems = new Map();
  stage = 'form';
  result = null;
  #schema = null;

  /** `catalog`: whether the advisor has one (products and the questionnaire); `answers`: the
   * questionnaire's answers so far (kept when the model is reloaded). */
  constructor(advisor, catalog, answers = {}) {
    Object.assign(this, { advisor, catalog, answers });
  }

  /** The model's form schema in `lang` (asked of the advisor once per language). */
  schema(lang) {
    if (this.#schema?.lang !== lang) this.#schema = { lang, schema: this.advisor.schema(lang) };
    return this.#schema.schema;
  }

  questionnaire(lang) {
    return this.catalog ? this.advisor.questionnaire(lang) : [];
  }

  /** The applicant as the API takes it: texts as typed, empty → null. */
  applicant(lang) {
    return Object.fromEntries(this.schema(lang).fields.map((f) => [f.name, (this.values[f.name] ?? '').trim() || null]));
  }

  /** The answers as the API takes them, or null while any is unanswered. */
  answersObject(lang) {
    return answersObject(this.questionnaire(lang), this.answers);
  }

  /** Checks every value; true when none has a problem. */
  validate(lang) {
    this.problems = new Map(this.advisor.validate(this.applicant(lang)).map((p) => [p.field, p]));
    return this.problems.size === 0;
  }

  /** Scores the applicant (report, what-if and, with a catalog, products); throws the API's
   * error. Not `full` (the full module still loading): the report alone, `whatIf` null. */
  score(lang, full = true) {
    const a = this.applicant(lang);
    const result = { report: this.advisor.score(a, { lang }), whatIf: full ? this.advisor.whatIf(a, { lang }) : null, applicant: a };
    if (full && this.catalog) result.products = this.advisor.recommend(a, this.answersObject(lang), { lang });
    return (this.result = result);
  }
}
