// Types for credit-advisor.js: the <credit-advisor> custom element.
import type { Advisor, Report, WhatIf, Applicant, Info, ErrorCode } from './advisor.js';

export interface AdvisorScoreDetail { report: Report; whatIf: WhatIf; applicant: Applicant }
export interface AdvisorErrorDetail { code: ErrorCode; field: string | null; message: string }

/** `<credit-advisor model="…/manifest.json" lang="en|zh-CN" integrity="sha256 hex" catalog="…">` */
export class CreditAdvisor extends HTMLElement {
  /** The loaded advisor, or null until `advisor-ready`. */
  readonly advisor: Advisor | null;
}

declare global {
  interface HTMLElementTagNameMap { 'credit-advisor': CreditAdvisor }
  interface HTMLElementEventMap {
    'advisor-ready': CustomEvent<Info>;
    'advisor-score': CustomEvent<AdvisorScoreDetail>;
    'advisor-error': CustomEvent<AdvisorErrorDetail>;
  }
}
