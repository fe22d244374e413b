// Form fields generated from a schema of /openapi.json, so a form follows the API: strings, dates,
// numbers, booleans, enums (a select), arrays of enums (checkboxes), objects (a fieldset) and
// optional objects (a fieldset behind a checkbox). Labels are the Chinese of each description.
import { html } from './util.js';
import { Field } from './components.js';

export const ENUM_ZH = {
  legal_person: '法人及非法人组织', natural_person: '自然人', individual_business: '个体工商户',
  warning: '警告', criticism: '通报批评', fine: '罚款', confiscation: '没收违法所得、没收非法财物',
  licence_suspension_or_revocation: '暂扣或者吊销许可证、执照', order_to_suspend: '责令停产停业、责令关闭、限制从业',
  detention: '行政拘留', other: '其他', resident_id_card: '居民身份证', passport: '护照',
  hong_kong_macao_permit: '港澳居民来往内地通行证', taiwan_permit: '台湾居民来往大陆通行证', foreign_permanent_resident_card: '外国人永久居留身份证',
};

const NAME_ZH = { disclosure: '信用信息公示（信用中国）', id_document: '证件', kind: '证件类型', number: '证件号码' };

export function resolve(openapi, s) {
  let x = s;
  for (let i = 0; x && x.$ref && i < 10; i++) x = { ...openapi.components.schemas[x.$ref.split('/').pop()], description: x.description || openapi.components.schemas[x.$ref.split('/').pop()].description };
  return x || {};
}

/** `{schema, nullable}`: the schema without its `null` alternative. */
export function unwrap(openapi, s) {
  if (Array.isArray(s.oneOf) && s.oneOf.some((o) => o.type === 'null') && s.oneOf.length === 2) {
    const inner = s.oneOf.find((o) => o.type !== 'null');
    return { schema: resolve(openapi, { ...inner, description: inner.description || s.description }), nullable: true };
  }
  const r = resolve(openapi, s);
  if (Array.isArray(r.type) && r.type.includes('null')) return { schema: { ...r, type: r.type.find((t) => t !== 'null') }, nullable: true };
  return { schema: r, nullable: false };
}

/** The Chinese of a description: `罚款金额（万元）: required with …` → `罚款金额（万元）`. */
export function labelOf(s, fallback) {
  const d = (s.description || '').split('\n')[0];
  const head = d.split(/ \(|: |\. /)[0].replace(/[.。]$/, '').trim();
  return /[\u4e00-\u9fff]/.test(head) ? head.replace(/ of a natural person$/, '') : NAME_ZH[fallback] || fallback;
}

export function kindOf(s) {
  if (s.enum) return 'enum';
  if (s.type === 'boolean') return 'bool';
  if (s.type === 'array' && s.items) return 'multi';
  if (s.type === 'object' || s.properties) return 'object';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.format === 'date') return 'date';
  return 'text';
}

/** One field at `path` of `value` (a plain object of form state keyed by dotted paths). */
export function SchemaField({ openapi, name, schema, path, required, values, errors, onChange }) {
  const { schema: s, nullable } = unwrap(openapi, schema);
  const label = labelOf(s, name);
  const kind = kindOf(s);
  const v = values[path];
  if (kind === 'object') {
    const req = new Set(s.required || []);
    const on = !nullable || values[`${path}?`];
    return html`<fieldset><legend>${label}</legend>
      ${nullable ? html`<div class="field check"><label><input type="checkbox" checked=${Boolean(values[`${path}?`])} onChange=${(e) => onChange(`${path}?`, e.currentTarget.checked)} /> 填写${label}</label></div>` : null}
      ${on ? Object.entries(s.properties || {}).map(([k, sub]) => html`<${SchemaField} openapi=${openapi} name=${k} schema=${sub} path=${`${path}.${k}`} required=${req.has(k)} values=${values} errors=${errors} onChange=${onChange} />`) : null}
    </fieldset>`;
  }
  if (kind === 'bool') return html`<div class="field check"><label><input type="checkbox" checked=${Boolean(v)} onChange=${(e) => onChange(path, e.currentTarget.checked)} /> ${label}</label></div>`;
  if (kind === 'multi') {
    const items = resolve(openapi, s.items);
    const chosen = Array.isArray(v) ? v : [];
    return html`<fieldset class="inline"><legend>${label}${required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</legend>
      ${(items.enum || []).map((opt) => html`<label><input type="checkbox" checked=${chosen.includes(opt)} onChange=${(e) => onChange(path, e.currentTarget.checked ? [...chosen, opt] : chosen.filter((x) => x !== opt))} /> ${ENUM_ZH[opt] || opt}</label>`)}
      ${errors[path] ? html`<p class="error">${errors[path]}</p>` : null}
    </fieldset>`;
  }
  return html`<${Field} label=${label} required=${required} error=${errors[path]}>${(a) => (kind === 'enum'
    ? html`<select ...${a} value=${v ?? ''} onChange=${(e) => onChange(path, e.currentTarget.value)}><option value="">请选择</option>${s.enum.map((o) => html`<option value=${o}>${ENUM_ZH[o] || o}</option>`)}</select>`
    : html`<input ...${a} type=${kind === 'date' ? 'date' : 'text'} inputmode=${kind === 'number' ? 'decimal' : undefined} value=${v ?? ''} onInput=${(e) => onChange(path, e.currentTarget.value)} />`)}</${Field}>`;
}

/** Validates and builds the value at `path` from the form state; messages go into `errors`. */
export function buildValue(openapi, schema, path, required, values, errors, name) {
  const { schema: s, nullable } = unwrap(openapi, schema);
  const kind = kindOf(s);
  const label = labelOf(s, name);
  const v = values[path];
  if (kind === 'object') {
    if (nullable && !values[`${path}?`]) return null;
    const req = new Set(s.required || []);
    const out = {};
    for (const [k, sub] of Object.entries(s.properties || {})) {
      const x = buildValue(openapi, sub, `${path}.${k}`, req.has(k), values, errors, k);
      if (x !== undefined) out[k] = x;
    }
    return out;
  }
  if (kind === 'bool') return Boolean(v);
  if (kind === 'multi') {
    if (required && !(Array.isArray(v) && v.length)) errors[path] = `请至少选择一项${label}`;
    return Array.isArray(v) ? v : [];
  }
  const text = v == null ? '' : String(v).trim();
  if (!text) {
    if (required) errors[path] = `请${kind === 'enum' ? '选择' : '填写'}${label}`;
    return nullable || !required ? null : undefined;
  }
  if (kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(text)) errors[path] = `${label}格式应为 年-月-日`;
  if (kind === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(text)) errors[path] = `${label}须为数字`;
    return Number(text);
  }
  if (s.pattern && !new RegExp(s.pattern).test(text)) errors[path] = `${label}格式不正确`;
  return text;
}

/** The form state (dotted paths, as [`SchemaField`] keeps it) of a stored `value` at `path`. */
export function flattenValue(openapi, schema, path, value, out) {
  const { schema: s, nullable } = unwrap(openapi, schema);
  if (kindOf(s) === 'object') {
    if (value == null) { if (nullable) out[`${path}?`] = false; return; }
    if (nullable) out[`${path}?`] = true;
    for (const [k, sub] of Object.entries(s.properties || {})) flattenValue(openapi, sub, `${path}.${k}`, value[k], out);
    return;
  }
  if (value == null) return;
  out[path] = kindOf(s) === 'number' ? String(value) : value;
}
