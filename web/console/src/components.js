import { useEffect, useState, useRef } from 'preact/hooks';
import { html } from './util.js';
import { problemText } from './labels.js';

let seq = 0;
const uid = (p) => `${p}-${++seq}`;

/** A labelled form field with its message beside it (aria-describedby, aria-invalid). */
export function Field({ label, error, hint, required, children, id }) {
  const [fid] = useState(() => id || uid('f'));
  const errId = `${fid}-err`;
  const hintId = `${fid}-hint`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(' ') || undefined;
  const child = typeof children === 'function' ? children({ id: fid, 'aria-describedby': describedBy, 'aria-invalid': error ? 'true' : undefined, required }) : children;
  return html`<div class=${`field${error ? ' has-error' : ''}`}>
    <label for=${fid}>${label}${required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</label>
    ${child}
    ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : null}
    ${error ? html`<p class="error" id=${errId}>${error}</p>` : null}
  </div>`;
}

/** A message for the whole page or form: errors are alerts, the rest a polite status. */
export function Notice({ error, ok }) {
  if (error) return html`<div class="alert" role="alert">${typeof error === 'string' ? error : problemText(error)}</div>`;
  if (ok) return html`<div class="ok" role="status">${ok}</div>`;
  return null;
}

/** Loads `fn()` once (again when `deps` change); renders `children(data)`. */
export function Load({ fn, deps = [], children }) {
  const [state, set] = useState({ loading: true });
  useEffect(() => {
    let live = true;
    set({ loading: true });
    fn().then((data) => live && set({ data }), (error) => live && set({ error }));
    return () => { live = false; };
  }, deps);
  if (state.loading) return html`<p class="muted" role="status">正在加载……</p>`;
  if (state.error) return html`<${Notice} error=${state.error} />`;
  return children(state.data, () => fn().then((data) => set({ data }), (error) => set({ error })));
}

/** Moves focus to the page's heading when the page changes (for keyboard and screen reader users). */
export function PageTitle({ children }) {
  const ref = useRef(null);
  useEffect(() => {
    document.title = `${typeof children === 'string' ? children : '工作平台'} - 双随机抽查工作平台`;
    ref.current?.focus();
  }, []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

export const Hash = ({ value }) => html`<code class="hash">${value}</code>`;
