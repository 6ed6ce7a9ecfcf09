"""The page's CSS and the small scripts attached to HTML components (kept in Python: no package data)."""

from __future__ import annotations

import json

CSS = """
.gradio-container { max-width: 1320px !important; width: 100% !important; margin: 0 auto; }
#app-header { align-items: center; }
#app-header h1 { margin: 0; font-size: 1.55rem; letter-spacing: -0.01em; }
#app-header .tagline { margin: 2px 0 0; color: var(--body-text-color-subdued); }
#app-stats { text-align: right; color: var(--body-text-color-subdued); font-size: .9em; }
#lang-toggle { max-width: 240px; margin-left: auto; }
/* The removal's confirmation is the one destructive button: the theme drew it as its Cancel (red 700 on
   white text: 6.5:1). */
#remove-confirm-button { background: #b91c1c !important; color: #fff !important; border-color: #b91c1c !important; }
#remove-confirm-button:hover { background: #991b1b !important; }
#reranker-status .reranker-status { text-align: right; color: var(--body-text-color-subdued); font-size: .85em;
  margin: 0; }
#reranker-status .reranker-status[data-state="failed"] { color: var(--color-red-500, #b91c1c); font-weight: 600; }
/* The side column's headings and the start screen's are level 2 under the page's title (level 3 skipped a level
   in a screen reader's list of headings), drawn at the size they had. */
#sources-title h2, .side-heading h2 { margin: 0 0 4px; font-size: var(--text-lg); }
#chatbot .placeholder h2 { font-size: var(--text-lg); }
.sources { display: flex; flex-direction: column; gap: 10px; }
.sources-head { font-weight: 600; }
.sources-head q { font-weight: 400; font-style: italic; }
/* French sets its guillemets off by a space (« question »); Chromium drew «question», the rest of the page not. */
.sources-head q:lang(fr) { quotes: "«\\00a0" "\\00a0»" "“" "”"; }
.sources-note, .sources-hint, .sources-foot { color: var(--body-text-color-subdued); font-size: .9em; margin: 0; }
.sources-warning { color: var(--color-red-500, #b91c1c); font-weight: 600; margin: 0; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  background: var(--background-fill-secondary); transition: box-shadow .2s, border-color .2s; }
@media (prefers-reduced-motion: reduce) { .source-card { transition: none; } }
.source-card.active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.source-card header { display: flex; gap: 6px; align-items: baseline; font-weight: 600; }
.marker { color: var(--primary-700); font-weight: 700; white-space: nowrap; }  /* indigo 500: 4.27:1 */
.markers { white-space: nowrap; }
.source-meta { font-size: .85em; color: var(--body-text-color-subdued); margin-top: 2px; }
.source-file { font-family: var(--font-mono); }
.passage { line-height: 1.55; margin: .5em 0; white-space: pre-line; }
/* A highlight is underlined too: its pale yellow (1.2:1 against white) is lost to a reader who does not see the
   colour (WCAG 1.4.1). Dotted: the sentence of the marker clicked is underlined solid. */
.sources mark, .article-view mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 3px;
  text-decoration: underline dotted 1px; text-underline-offset: 3px; }
/* a card quoted by several markers: the sentence of the marker clicked in the answer */
.sources mark[tabindex]:focus-visible, .article-view mark[tabindex]:focus-visible {
  outline: 2px solid var(--primary-700); outline-offset: 2px; }
.source-card.active mark.current { box-shadow: 0 0 0 2px var(--color-accent); text-decoration: underline 2px;
  text-underline-offset: 3px; }  /* not by its colour alone */
.open-article { font-size: .85em; border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: 3px 10px; background: var(--background-fill-primary); cursor: pointer; color: var(--body-text-color); }
.open-article:hover, .back-to-sources:hover { border-color: var(--color-accent); }
.back-to-sources { font-size: .85em; border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: 3px 10px; background: var(--background-fill-primary); cursor: pointer; color: var(--body-text-color);
  margin-bottom: 8px; }
.article-view .article-head { margin-bottom: 8px; }
.article-text { white-space: pre-wrap; max-height: 440px; overflow: auto; line-height: 1.6;
  padding-right: 6px; }
#chatbot a[href^="#cite-"] { text-decoration: none; font-weight: 700; font-size: .85em; color: var(--primary-700);
  background: var(--color-accent-soft); border-radius: 4px; padding: 0 3px; margin: 0 1px; cursor: pointer; }
#chatbot a[href^="#cite-"]:hover { filter: brightness(0.92); }
/* One selector to a .dark rule: Gradio 6.31 prefixes each rule with its container, and in a list it put the prefix
   inside the second selector (".dark .gradio-container .contain .dark #chatbot a"), which never matched: dark mode
   kept the chat's markers indigo 700 on slate 700 (1.31:1). */
.dark .marker { color: var(--primary-200); }
.dark #chatbot a[href^="#cite-"] { color: var(--primary-200); }
/* A visible focus for the keyboard (WCAG 2.4.7): Gradio draws none on the question box, and on the language
   switch an indigo ring on an indigo button. */
/* The question box, drawn without its block (container=False), gets no border from Gradio: the theme's edge
   (app.theme: 3:1 at least), as the other fields have. */
#question textarea { border: var(--input-border-width) solid var(--input-border-color) !important; }
/* A dropdown's box and the slider's number field take theirs from elsewhere (slate 200: 1.2:1; none) */
.wrap:has(> .wrap-inner) { border-color: var(--input-border-color) !important; }
#k input[type=number] { border: var(--input-border-width) solid var(--input-border-color) !important; }
#question textarea:focus-visible { outline: 2px solid var(--primary-600) !important; outline-offset: -2px; }
/* inside the box: its block hides what overflows it, and a ring drawn outside it was cut off, seen nowhere */
/* The library table's cell (its one stop for the keyboard, the arrows move from there) and the Settings tab's slider
   showed no focus at all. */
#articles [role=gridcell]:focus-visible { outline: 2px solid var(--primary-600); outline-offset: -2px; }
#k input[type=range]:focus-visible { outline: 2px solid var(--primary-600); outline-offset: 2px; }
.dark #articles [role=gridcell]:focus-visible { outline-color: var(--primary-300); }
.dark #k input[type=range]:focus-visible { outline-color: var(--primary-300); }
#lang-toggle { overflow: visible !important; }  /* the ring around a choice is not cut off */
#lang-toggle label:has(input:focus-visible) { outline: 2px solid var(--primary-800) !important;
  outline-offset: 2px; }
.entity-group label:has(input:focus-visible) { outline: 2px solid var(--primary-700) !important;
  outline-offset: -2px; }
.dark #question textarea:focus-visible { outline-color: var(--primary-300) !important; }
.dark #lang-toggle label:has(input:focus-visible) { outline-color: var(--primary-300) !important; }
.dark .entity-group label:has(input:focus-visible) { outline-color: var(--primary-300) !important; }
#question-limit .question-limit { font-size: .85em; color: var(--body-text-color-subdued); margin: 0 4px;
  text-align: right; }
#question-limit:has(.question-limit:empty) { display: none; }  /* no room taken while silent */
#question-limit .question-limit[data-state="full"], #question-limit .question-limit[data-state="cut"] {
  color: var(--color-red-500, #b91c1c); font-weight: 600; }
#upload-report ul { margin-top: 4px; }
/* The upload box's label lists every type read: four lines, which Gradio's floating label laid over the drop
   area's icon. It takes its own room above it. */
#upload [data-testid="block-label"] { position: relative; margin-bottom: 6px; }
#upload-report code { overflow-wrap: anywhere; }  /* a long file name wraps: the report never scrolls sideways */
#articles [class*="cell"], #articles [class*="cell"] * { font-family: var(--font) !important; }
/* The library table fits its box at every width (kept 700 pixels wide, it scrolled 136 sideways at 1,024).
   The short columns keep the width of their header's word and of a date's day ("Language", "2026-11-25");
   the title and the source share what is left of the box (100cqw), and wrap. On a phone the language and
   indexing date columns give their room to the others. Gradio sets each cell's width inline, from
   library.COLUMN_WIDTHS: these rules win over it. (Gradio drops @container rules from a page's CSS.) */
#articles .upload-container { container-type: inline-size; overflow-x: auto; }  /* a column too wide: it scrolls */
#articles tr > *, #articles .virtual-row > * { --short: 300px; width: var(--w) !important;
  min-width: var(--w) !important; max-width: var(--w) !important; flex: 0 0 var(--w) !important; }
#articles tr > :nth-child(1), #articles .virtual-row > :nth-child(1) { --w: calc((100cqw - var(--short)) * .6); }
#articles tr > :nth-child(2), #articles .virtual-row > :nth-child(2) { --w: calc((100cqw - var(--short)) * .4); }
#articles tr > :nth-child(3), #articles .virtual-row > :nth-child(3) { --w: 96px; }
#articles tr > :nth-child(4), #articles .virtual-row > :nth-child(4) { --w: 102px; }
#articles tr > :nth-child(5), #articles .virtual-row > :nth-child(5) { --w: 102px; }
/* On a phone the chat's fixed 560 pixels, under a header of 330, put the question box below the first screen
   (908 pixels down on a 390x844 phone): the page opened on an empty box and no way to ask. */
/* The empty question box is one line high there, and its hint takes two: the second was cut in half. */
@media (max-width: 600px) {
  #chatbot { height: min(560px, 42svh) !important; }
  #question textarea { min-height: calc(2lh + 2 * var(--input-padding) + 2 * var(--input-border-width, 1px)); }
}
@media (max-width: 600px) {  /* the table's box is then under 535 pixels wide */
  #articles tr > *, #articles .virtual-row > * { --short: 102px; }
  #articles tr > :nth-child(3), #articles tr > :nth-child(5), #articles .virtual-row > :nth-child(3),
  #articles .virtual-row > :nth-child(5) { display: none; }
}
"""

# Markers in the chat are links "#cite-<turn>-<marker>"; one document-level listener (replaced, not
# duplicated, when the component mounts again) sends their clicks, and the "open the article" buttons, to
# Python as this component's click event with the data attached.
# The keyboard's focus follows to the cited sentence, which a screen reader then reads: a marker's in its source
# card (Tab then reaches the card's "open the whole article"), an article's in the article (its text a region the
# keyboard can scroll). Esc goes back the way it came: from the article to the button that opened it, from the
# sources to the marker.
SOURCES_JS = """
const CITED = 'cited';  // window.__newsFocus: the active card's cited sentence, once drawn
const handler = (event) => {
  const link = event.target.closest('a[href^="#cite-"]');
  if (link) {
    event.preventDefault();
    event.stopPropagation();
    const m = (link.getAttribute('href') || '').match(/^#cite-(\\d+)-(\\d+)$/);
    if (m) {
      window.__newsFocus = document.activeElement === link ? CITED : null;
      window.__newsMarker = link.getAttribute('href');
      trigger('click', {action: 'cite', turn: Number(m[1]), marker: Number(m[2])});
    }
    return;
  }
  const open = event.target.closest('.open-article');
  if (open && element.contains(open)) {
    event.preventDefault();
    // the view is drawn anew: the keyboard's focus goes to the cited sentence (and back to this button after)
    window.__newsFocus = document.activeElement === open ? '#article-mark' : null;
    window.__newsReturn = open.dataset.marker;
    trigger('click', {action: 'open', turn: Number(open.dataset.turn), marker: Number(open.dataset.marker)});
    return;
  }
  const back = event.target.closest('.back-to-sources');
  if (back && element.contains(back)) {
    event.preventDefault();
    window.__newsFocus = document.activeElement === back && window.__newsReturn
      ? `.open-article[data-marker="${window.__newsReturn}"]` : null;
    trigger('click', {action: 'back'});
  }
};
if (window.__newsCiteHandler) document.removeEventListener('click', window.__newsCiteHandler, true);
window.__newsCiteHandler = handler;
document.addEventListener('click', handler, true);
// Esc leaves the article view, as its "back" button does, the focus going back to the button that opened it; in
// the sources, a marker's card, it goes back to the marker.
const escape = (event) => {
  if (event.key !== 'Escape') return;
  if (event.target.closest && event.target.closest('#question')) return;  // the question box keeps its Esc
  if (!element.querySelector('.back-to-sources')) {
    // in the sources, reached from a marker: back to that marker in the answer
    const marker = window.__newsMarker && element.contains(document.activeElement)
      && element.querySelector('.source-card.active')
      && document.querySelector(`#chatbot a[href="${window.__newsMarker}"]`);
    if (marker) {
      event.preventDefault();
      marker.focus();
    }
    return;
  }
  event.preventDefault();
  window.__newsFocus = window.__newsReturn ? `.open-article[data-marker="${window.__newsReturn}"]` : null;
  trigger('click', {action: 'back'});
};
if (window.__newsEscapeHandler) document.removeEventListener('keydown', window.__newsEscapeHandler, true);
window.__newsEscapeHandler = escape;
document.addEventListener('keydown', escape, true);
// The chat's copy buttons copy a message as it is stored, Markdown for the renderer: "[[1]](#cite-0-1 'Title')",
// "\\[source\\]", "&amp;". What reaches the clipboard is the text as read, markers as [1]. Where the page is
// not a secure context (http on another host) Gradio copies through a selected text area instead.
const plainText = (text) => String(text)
  .replace(/\\[\\[(\\d+)\\]\\]\\(#cite-\\d+-\\d+(?: "[^"]*")?\\)/g, '[$1]')
  .replace(/\\\\([\\\\`*_{}\\[\\]<>#|~$!])/g, '$1')
  .replace(/&amp;/g, '&');
const ours = (text) => /\\(#cite-\\d+-\\d+|\\\\[\\\\`*_{}\\[\\]<>#|~$!]|&amp;/.test(String(text));
if (navigator.clipboard && !window.__newsPlainCopy) {
  const write = navigator.clipboard.writeText.bind(navigator.clipboard);
  navigator.clipboard.writeText = (text) => write(ours(text) ? plainText(text) : text);
}
if (!window.__newsPlainCopy) {
  document.addEventListener('copy', (event) => {
    const box = document.activeElement;
    if (!box || box.tagName !== 'TEXTAREA' || box.closest('#question')) return;  // not what the user typed
    const text = box.value.substring(box.selectionStart, box.selectionEnd);
    if (!text || !ours(text)) return;
    event.clipboardData.setData('text/plain', plainText(text));
    event.preventDefault();
  }, true);
}
window.__newsPlainCopy = true;
// after each render: bring the cited sentence (article view) or the active source card into view
watch('value', () => {
  const mark = element.querySelector('#article-mark');
  const target = mark || element.querySelector('.source-card.active');
  // smoothly, unless the system asks for less motion (WCAG 2.3.3)
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (target) target.scrollIntoView({block: mark ? 'center' : 'nearest', behavior: still ? 'auto' : 'smooth'});
  const card = element.querySelector('.source-card.active');
  const focus = window.__newsFocus === CITED
    ? card && (card.querySelector('mark.current') || card.querySelector('mark'))
    // an article gone since the answer has no sentence to focus: its way back then
    : window.__newsFocus && (element.querySelector(window.__newsFocus) || element.querySelector('.back-to-sources'));
  if (focus) {
    window.__newsFocus = null;
    if (!focus.hasAttribute('tabindex') && !focus.matches('button')) focus.setAttribute('tabindex', '-1');
    focus.focus({preventScroll: true});
  }
});
"""

# The question box keeps at most max_question_chars characters, counted as the server counts them (Python's
# len(): code points). The browser's maxlength counts UTF-16 units, an emoji as two, so the box has none:
# this script cuts an edit that goes past the limit itself, keeping what fits of the inserted text as
# maxlength would. The notice under the box counts the characters near the limit, says when it is reached,
# and after a paste, a drop or any text inserted at once that did not fit, how many characters were cut. Its
# words come from the component's HTML (question_limit_html, in the page's language); window.__questionLimit()
# is called by the box's change event, so that a box filled or emptied by the app is counted too.
QUESTION_LIMIT_JS = """
const NEAR = 0.8;  // the count shows from 80% of the limit
const box = () => document.querySelector('#question textarea');
const ours = (event) => (event.target.closest ? event.target.closest('#question textarea') : null);
const limitOf = () => Number(element.querySelector('.question-limit')?.dataset.limit) || Infinity;
const chars = (text) => { let n = 0; for (const _ of text) n++; return n; };  // code points, as len()
const head = (text, n) => {  // the first n code points (a surrogate pair is never split)
  let end = 0;
  for (const ch of text) { if (n-- <= 0) break; end += ch.length; }
  return text.slice(0, end);
};
const high = (code) => code >= 0xd800 && code <= 0xdbff;
const low = (code) => code >= 0xdc00 && code <= 0xdfff;
let lost = 0;  // characters of the last paste or drop that the box could not keep
let before = '';  // the box's value before the edit under way

// Cut an edit that took the box past the limit: the text it inserted keeps what fits (the caret ends
// after it, as typing or pasting leaves it). Returns the characters taken out.
const enforce = (input) => {
  const limit = limitOf();
  const value = input.value;
  if (chars(value) <= limit) return 0;
  // The unchanged tail runs from the caret (where an insertion ends) when the old value ends with it.
  let tail = value.length - input.selectionEnd;
  if (tail > before.length || !before.endsWith(value.slice(value.length - tail))) tail = 0;
  let start = 0;
  while (start < Math.min(before.length - tail, value.length - tail) && before[start] === value[start]) start++;
  if (start > 0 && high(value.charCodeAt(start - 1))) start--;
  if (tail > 0 && low(value.charCodeAt(value.length - tail))) tail--;
  const prefix = value.slice(0, start);
  const suffix = value.slice(value.length - tail);
  const added = value.slice(start, value.length - tail);
  const kept = head(added, Math.max(0, limit - chars(prefix) - chars(suffix)));
  // the old text alone over the limit (set by the app): its end goes too
  input.value = head(prefix + kept + suffix, limit);
  const caret = Math.min(prefix.length + kept.length, input.value.length);
  input.setSelectionRange(caret, caret);
  return chars(value) - chars(input.value);
};
const render = () => {
  const root = element.querySelector('.question-limit');
  const input = box();
  if (!root || !input) return;
  const limit = limitOf();
  const count = chars(input.value);
  if (count < limit) lost = 0;
  const number = new Intl.NumberFormat(root.dataset.lang || undefined);
  const say = (template) => template.replace('{count}', number.format(count))
    .replace('{limit}', number.format(limit)).replace('{lost}', number.format(lost));
  const state = lost > 0 ? 'cut' : count >= limit ? 'full' : count >= limit * NEAR ? 'near' : '';
  root.dataset.state = state;
  root.textContent = state ? say(root.dataset[state] || '') : '';
};
const starting = (event) => {
  // an input method's word in progress is checked when it ends (compositionend), from its start
  if (ours(event) && !event.isComposing) before = ours(event).value;
};
// Document-level, capturing: this runs before the box's own listener, which then reads the cut value.
const edited = (event) => {
  const input = ours(event);
  if (!input || event.isComposing) return;
  const cut = enforce(input);
  // A typed key past the limit is simply not taken: the notice says "full". Anything else cut (a paste, a drop,
  // text inserted at once by a dictation, an autofill or a script) says how much was lost: a question cut at
  // 2,000 characters was otherwise sent and answered with nothing said.
  const typed = event.type === 'input' && /^insertText/.test(event.inputType || '') && chars(event.data || '') <= 1;
  if (cut > 0 && !typed) lost = cut;
  before = input.value;
  render();
};
if (window.__questionLimitHandlers) {
  for (const [type, handler] of window.__questionLimitHandlers) document.removeEventListener(type, handler, true);
}
window.__questionLimitHandlers = [['beforeinput', starting], ['compositionstart', starting], ['input', edited],
                                  ['compositionend', edited]];
for (const [type, handler] of window.__questionLimitHandlers) document.addEventListener(type, handler, true);
window.__questionLimit = () => setTimeout(render, 0);
watch('value', render);  // the page's language changed: new words
render();
"""

# The box's change event (typed, or set by the app: emptied once a question is sent, an example chosen)
QUESTION_CHANGED_JS = "() => { if (window.__questionLimit) window.__questionLimit(); }"

# The question box takes the keyboard's focus as the page opens on a wide screen only. On a phone, Gradio's
# autofocus scrolled the page some 740 pixels down to the box, past the title, the language switch and the
# tabs (and would open the keyboard). preventScroll: a short laptop window does not jump either.
AUTOFOCUS_JS = """() => {
  if (!window.matchMedia('(min-width: 769px)').matches || window.matchMedia('(pointer: coarse)').matches) return;
  const box = document.querySelector('#question textarea');
  if (box && (!document.activeElement || document.activeElement === document.body)) box.focus({preventScroll: true});
}"""


# Gradio's upload box is a button that Space opens and Enter did not: a keyboard user pressing Enter on "Click to
# upload" got nothing (the chooser a key press opens is shown only from the key's release, as Space does).
UPLOAD_ENTER_JS = """() => {
  if (window.__newsUploadEnter) return;
  window.__newsUploadEnter = true;
  const zone = (event) => event.key === 'Enter' && event.target.closest?.('#upload button.upload-container');
  document.addEventListener('keydown', (event) => { if (zone(event)) event.preventDefault(); }, true);
  document.addEventListener('keyup', (event) => {
    const button = zone(event);
    if (!button) return;
    event.preventDefault();
    button.click();
  }, true);
}"""


# What the page says without moving the focus (WCAG 4.1.3): the upload's report, the removal's question and its
# outcome, a warning's toast, and (from the Search tab's script) a search's count or its "no sentence". Gradio
# draws these silently, or as a live region added with its words, which not every screen reader reads out. One
# polite region, there from the page's start, says each anew; it sits outside Gradio's components, which redraw.
ANNOUNCED = ("#upload-report", "#remove-question", "#remove-report", "[data-testid='toast-text']")
ANNOUNCER_JS = """() => {
  if (window.__newsAnnounce) return;
  const region = document.createElement('div');
  region.id = 'news-announcer';
  region.setAttribute('role', 'status');
  region.setAttribute('aria-live', 'polite');
  region.setAttribute('aria-atomic', 'true');
  // out of sight, not out of the accessibility tree (display: none would be)
  region.style.cssText = 'position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;'
    + 'clip-path:inset(50%);white-space:nowrap;';
  document.body.appendChild(region);
  let next = null;
  window.__newsAnnounce = (text) => {
    text = String(text || '').replace(/\\s+/g, ' ').trim();
    if (!text) return;
    // emptied first: the same words said twice (one search after another) are a change, read again
    region.textContent = '';
    clearTimeout(next);
    next = setTimeout(() => { region.textContent = text; }, 100);
  };
  const watched = SELECTORS;
  const said = {};
  const words = (selector) => {
    const all = document.querySelectorAll(selector);
    return all.length ? (all[all.length - 1].textContent || '').trim() : '';
  };
  for (const selector of watched) said[selector] = words(selector);
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      for (const selector of watched) {
        const text = words(selector);
        if (text !== said[selector] && text) window.__newsAnnounce(text);
        said[selector] = text;  // emptied (a report cleared as a run starts): its next words are said again
      }
    });
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}""".replace("SELECTORS", json.dumps(ANNOUNCED))


# Focus follows the removal's question: to its Cancel when it is asked (Enter twice on Remove keeps the article;
# the confirm is one Shift+Tab away), back to Remove when it is withdrawn. The question shows a moment after the
# click: the focus waits for it, a second at most.
FOCUS_CANCEL_JS = """() => {
  const started = performance.now();
  const focus = () => {
    const button = document.querySelector('#remove-cancel');
    if (button && button.offsetParent !== null) button.focus();
    else if (performance.now() - started < 1000) requestAnimationFrame(focus);
  };
  focus();
}"""
FOCUS_REMOVE_JS = "() => { document.querySelector('#remove-button')?.focus(); }"

# "Show more" goes once the last page is shown, with the focus on it: the focus fell to the page's start, above the
# title. It goes to the table (its keyboard stop) instead; while the button stays, the focus stays on it.
FOCUS_AFTER_MORE_JS = """() => {
  const started = performance.now();
  const settle = () => {
    const more = document.querySelector('#library-more');
    if (more && more.offsetParent !== null) {
      if (performance.now() - started < 1000) requestAnimationFrame(settle);
      return;
    }
    if (document.activeElement && document.activeElement !== document.body) return;
    document.querySelector('#articles [role=gridcell][tabindex="0"]')?.focus();
  };
  settle();
}"""


def toast_title_js(titles: dict[str, str]) -> str:
    """Gradio 6.31 titles a toast with its type and drops the title ``gr.Warning`` is given: a French page's
    warnings read "Warning". Each warning's title is set in the page's language (``titles``: language -> title)
    as it shows, and again when Gradio writes it back."""
    return """() => {
  if (window.__toastTitles) return;
  window.__toastTitles = true;
  const titles = TITLES;
  const retitle = () => {
    const title = titles[document.querySelector('#lang-toggle input:checked')?.value];
    if (!title) return;
    for (const span of document.querySelectorAll('.toast-title.warning')) {
      const text = span.firstChild;  // the type's word, then the count of grouped toasts
      if (text && text.nodeType === Node.TEXT_NODE && text.nodeValue !== title + ' ') text.nodeValue = title + ' ';
    }
  };
  new MutationObserver(retitle).observe(document.body, {childList: true, subtree: true, characterData: true});
}""".replace("TITLES", json.dumps(titles, ensure_ascii=False))


def document_language_js(titles: dict[str, str]) -> str:
    """The document's language and title follow the page's (``titles``: language -> title): a French page stayed
    ``<html lang="en">``, read by a screen reader with English rules, and its tab was titled "News assistant"."""
    return """(lang) => {
  const titles = TITLES;
  if (!titles[lang]) return;
  document.documentElement.lang = lang;
  document.title = titles[lang];
}""".replace("TITLES", json.dumps(titles, ensure_ascii=False))
