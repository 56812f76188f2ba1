// The advisor page: keeps the page's own texts and the document language in step with the
// widget's language, and fills in "About this model" from the loaded bundle. No network
// requests of its own.
import { pickLang } from './widget/strings.js';

const TEXT = {
  en: {
    tagline: 'A credit check that stays on your device: the score, the reasons behind it and what would improve it are all computed in this page. Nothing you enter is sent anywhere.',
    about: 'About this model',
    notLoaded: 'The model has not loaded yet.',
    failed: (m) => `The model could not be loaded: ${m}`,
    card: (model, runtime, f, m) => `Model “${model}”, scored in this browser by the ${runtime} runtime. On held-out test data: AUC ${f(m.auc)}, KS ${f(m.ks)}, Brier score ${f(m.brier)}, accuracy ${f(m.accuracy)}.`,
  },
  'zh-CN': {
    tagline: '信用评估全程在您的设备上完成：评分、评分依据以及改进建议都在本页面中计算，您输入的任何内容都不会被发送。',
    about: '关于此模型',
    notLoaded: '模型尚未加载。',
    failed: (m) => `无法加载模型：${m}`,
    card: (model, runtime, f, m) => `模型“${model}”，由浏览器中的 ${runtime} 运行时评分。在留出测试数据上：AUC ${f(m.auc)}，KS ${f(m.ks)}，Brier 分数 ${f(m.brier)}，准确率 ${f(m.accuracy)}。`,
  },
};
const widget = document.querySelector('credit-advisor');
const about = document.getElementById('about-text');
let info = null;
let failure = null;

function render() {
  const lang = pickLang(widget.lang);
  const t = TEXT[lang];
  document.documentElement.lang = lang;
  document.getElementById('tagline').textContent = t.tagline;
  document.getElementById('about-title').textContent = t.about;
  const f = (v) => (typeof v === 'number' ? v.toFixed(3) : '–');
  about.textContent = info ? t.card(info.model, info.runtime, f, info.metrics ?? {}) : failure ? t.failed(failure) : t.notLoaded;
}

widget.addEventListener('advisor-ready', (e) => {
  info = e.detail;
  render();
});
widget.addEventListener('advisor-error', (e) => {
  if (!widget.advisor) {
    failure = e.detail.message;
    render();
  }
});
new MutationObserver(render).observe(widget, { attributes: true, attributeFilter: ['lang'] });
render();
