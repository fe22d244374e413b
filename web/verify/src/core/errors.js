// The error every check reports: which field (a §14 JSON path), what was recorded, what was
// recomputed. `code` is a spec error code (§15 want_err) where one applies.

export class FieldError extends Error {
  constructor(field, message, { code, recorded, recomputed } = {}) {
    super(`${field}: ${message}`);
    this.name = 'FieldError';
    this.field = field;
    this.detail = message;
    this.code = code;
    this.recorded = recorded;
    this.recomputed = recomputed;
  }
}

/** JSON path of a member: `a.b`, or `a["x y"]` style is not used: the spec's names are plain. */
export const join = (path, key) => (path === '' ? key : `${path}.${key}`);
