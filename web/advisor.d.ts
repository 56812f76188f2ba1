// Types for advisor.js, the advisor's browser API: advisor-core.js and the assistant.
import type { Advisor as CoreAdvisor, Answers, Applicant, Lang, LoadOptions } from './advisor-core.js';

export * from './advisor-core.js';

/** Loads and verifies a bundle from its manifest URL or from bytes: an advisor with the assistant. */
export function load(
  source: string | URL | { manifest: Uint8Array | ArrayBuffer | string; graph: Uint8Array | ArrayBuffer },
  options?: LoadOptions,
): Promise<Advisor>;

/** A verified bundle with the assistant (its module downloads on first use). */
export class Advisor extends CoreAdvisor {
  private constructor();
  /** Loads the assistant's own module (once); `ask` and `setFaq` do it themselves. */
  loadAssistant(options?: { wasm?: string | URL }): Promise<unknown>;
  /** The lender's FAQ (docs/assistant.md), checked: errors name the entry. */
  setFaq(json: string | Uint8Array): Promise<void>;
  /** Answers a customer's question on this device, from the applicant's own result when given. */
  ask(question: string, options?: { lang?: Lang; applicant?: Applicant | null; answers?: Answers | null }): Promise<AssistantAnswer>;
}

/** The assistant's intents (docs/assistant.md). */
export type Intent =
  | 'reasons' | 'improve' | 'band' | 'decision' | 'score_scale' | 'products' | 'product'
  | 'not_eligible' | 'privacy' | 'model' | 'human' | 'faq' | 'none';

export interface AssistantAnswer {
  intent: Intent;
  /** The catalog product the question is about (`product`, `not_eligible`). */
  product: string | null;
  /** The FAQ entry answered (`faq`, and `human` when the FAQ has a `contact` entry). */
  faq: string | null;
  /** Plain text in the asked language, one item per line: show it as text, never as HTML. */
  answer: string;
  /** 0–1. */
  confidence: number;
  /** Two to four follow-up questions. */
  suggestions: string[];
}
