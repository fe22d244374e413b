// The error every check reports: which field (a §14 JSON path), what was recorded, what was
// recomputed. `code` is a spec error code (§15 want_err) where one applies. `facts` (optional) are the
// values the message states, for the page to word them itself (times as RFC 3339 UTC, shown in 北京时间).

export class FieldError extends Error {
  constructor(field, message, { code, recorded, recomputed, facts } = {}) {
    super(`${field}: ${message}`);
    this.name = 'FieldError';
    this.field = field;
    this.detail = message;
    this.code = code;
    this.recorded = recorded;
    this.recomputed = recomputed;
    if (facts !== undefined) this.facts = facts;
  }
}

/** JSON path of a member: `a.b`, or `a["x y"]` style is not used: the spec's names are plain. */
export const join = (path, key) => (path === '' ? key : `${path}.${key}`);
