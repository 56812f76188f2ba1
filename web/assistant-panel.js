// The assistant's chat panel for <credit-advisor>: strings and view only. The widget imports it
// when the model is ready (in the background, so the first score never waits) and places it
// under the result. Answers are computed on this device (advisor.ask); every text is inserted as
// text, never as markup.

export const STRINGS = {
  en: {
    title: 'Questions about your result?',
    note: 'Answered on this device: your questions are not sent anywhere.',
    label: 'Your question',
    placeholder: 'e.g. Why is my score low?',
    ask: 'Ask',
    you: 'You',
    assistant: 'Assistant',
    suggestions: 'Suggested questions',
    failed: 'Sorry, I could not answer that. Please try other words.',
    empty: 'Please type a question.',
    start: ['Why is my score what it is?', 'How can I improve my score?', 'Is my data sent anywhere?'],
  },
  'zh-CN': {
    title: '对结果有疑问？',
    note: '在本设备上回答：您的问题不会被发送到任何地方。',
    label: '您的问题',
    placeholder: '例如：为什么我的分数低？',
    ask: '提问',
    you: '您',
    assistant: '助手',
    suggestions: '推荐问题',
    failed: '抱歉，无法回答这个问题，请换一种说法。',
    empty: '请输入问题。',
    start: ['为什么我是这个分数？', '我怎样才能提高分数？', '我的数据会被发送出去吗？'],
  },
};

/** Longest question taken from the input (the assistant reads at most 500 characters). */
const MAX_QUESTION = 500;

/**
 * The panel. `h` builds elements (the widget's own helper, passed in so that opening the
 * assistant fetches no other module); `log` is the conversation so far
 * (`[{ question, answer }]`, kept by the widget across re-renders); `ask(question)` resolves to
 * the assistant's answer; `uid` makes ids unique.
 */
export function assistantPanel({ h, lang, uid, log, ask }) {
  const t = STRINGS[lang] ?? STRINGS.en;
  const chat = h('ol', { class: 'chat', part: 'chat' });
  const chips = h('div', { class: 'suggestions', role: 'group', 'aria-label': t.suggestions });
  const input = h('input', { id: `${uid}-ask`, type: 'text', name: 'question', maxlength: MAX_QUESTION, autocomplete: 'off', placeholder: t.placeholder, part: 'input', enterkeyhint: 'send' });
  const status = h('p', { class: 'error', role: 'status', hidden: true });

  const entry = ({ question, answer }) => {
    const [first, ...rest] = (answer?.answer ?? t.failed).split('\n');
    return [
      h('li', { class: 'q' }, h('span', { class: 'who' }, `${t.you}: `), question),
      h('li', { class: 'a', 'data-intent': answer?.intent ?? 'error' }, h('span', { class: 'who' }, `${t.assistant}: `), first,
        rest.length ? h('ul', {}, rest.map((line) => h('li', {}, line))) : null),
    ];
  };
  const showSuggestions = (list) => chips.replaceChildren(...list.map((s) =>
    h('button', { type: 'button', part: 'button suggestion', onclick: () => submit(s) }, s)));

  async function submit(question) {
    const q = String(question).trim().slice(0, MAX_QUESTION);
    status.hidden = !!q;
    status.textContent = q ? '' : t.empty;
    if (!q) return input.focus();
    let answer = null;
    try {
      answer = await ask(q);
    } catch {
      answer = null;
    }
    log.push({ question: q, answer });
    chat.append(...entry({ question: q, answer }));
    showSuggestions(answer?.suggestions ?? t.start);
    input.value = '';
    input.focus();
  }

  chat.append(...log.flatMap(entry));
  showSuggestions(log.at(-1)?.answer?.suggestions ?? t.start);
  const form = h('form', { class: 'ask', novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(input.value); } },
    h('label', { for: `${uid}-ask` }, t.label),
    h('div', { class: 'ask-row' }, input, h('button', { type: 'submit', part: 'button primary' }, t.ask)),
    status);
  return h('section', { class: 'assistant', part: 'assistant', 'aria-labelledby': `${uid}-assistant` },
    h('h4', { id: `${uid}-assistant` }, t.title),
    h('p', { class: 'muted' }, t.note),
    h('div', { role: 'log', 'aria-live': 'polite', 'aria-label': t.title }, chat), chips, form);
}
