// The frame around every view: title, language buttons and the privacy line.
import { h } from './dom.js';
import { LANGS } from './strings.js';

/** The frame with `content` in it; `choose(code)` switches the language. */
export function shellView({ t, lang, uid }, choose, ...content) {
  const button = ({ code, name }) =>
    h('button', { type: 'button', lang: code, part: 'lang-button', 'aria-pressed': String(lang === code), onclick: () => choose(code) }, name);
  return h('section', { class: 'advisor', part: 'container', 'aria-labelledby': `${uid}-title`, lang },
    h('header', { part: 'header' },
      h('h2', { id: `${uid}-title` }, t.title),
      h('div', { role: 'group', 'aria-label': t.language, class: 'langs' }, LANGS.map(button))),
    h('p', { class: 'privacy', part: 'privacy' }, t.privacy),
    ...content);
}
