// Types for credit-advisor.js: the <credit-advisor> custom element.
import type { Advisor, Report, WhatIf, Applicant, Info, ErrorCode } from './advisor-core.js';

export interface AdvisorScoreDetail { report: Report; whatIf: WhatIf; applicant: Applicant }
export interface AdvisorErrorDetail { code: ErrorCode; field: string | null; message: string }

/** `<credit-advisor model="…/manifest.json" lang="en|zh-CN" integrity="sha256 hex" catalog="…">` */
export class CreditAdvisor extends HTMLElement {
  /** The loaded advisor, or null until `advisor-ready`. */
  readonly advisor: Advisor | null;
  /** Resolves once the assistant (module, catalog, FAQ) is ready in the background, or is off. */
  readonly assistantReady: Promise<void>;
  /** The bundle manifest's URL (reflects the `model` attribute; setting it loads that model). */
  model: string | null;
  /** The product catalog's URL (reflects `catalog`). */
  catalog: string | null;
  /** The lender's FAQ URL for the assistant (reflects `faq`). */
  faq: string | null;
  /** The manifest's sha256 (reflects `integrity`). */
  integrity: string | null;
}

declare global {
  interface HTMLElementTagNameMap { 'credit-advisor': CreditAdvisor }
  interface HTMLElementEventMap {
    'advisor-ready': CustomEvent<Info>;
    'advisor-score': CustomEvent<AdvisorScoreDetail>;
    'advisor-error': CustomEvent<AdvisorErrorDetail>;
  }
}
