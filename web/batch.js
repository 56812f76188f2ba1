// scoreBatch's fast path: applicant objects encoded here, in one pass of plain property reads,
// into one Float64Array that the wasm module checks and scores in one call (reading each object
// field by field from wasm costs a call across the boundary per field). A row this encoder is
// not sure of — a missing or extra key, a text where a number goes, a category it does not
// know, anything that is not a finite number, a known category text or null — is left to the
// module, which reads it field by field as score() does: its result or its error is the same.

/**
 * The encoder for one bundle, from its `schema()`: each field's name, and each categorical
 * field's values by code (the module checks a code as it would the category's text).
 */
export function planner(schema) {
  const fields = schema.fields.map((f) => f.name);
  const codes = schema.fields.map((f) => (f.categories.length ? new Map(f.categories.map((c, i) => [c.value, i])) : null));
  return { fields, codes };
}

/** Encodes `row` into `out` at `at`; false when it needs the field-by-field path. */
function encode({ fields, codes }, row, out, at) {
  if (row === null || typeof row !== 'object' || Object.getPrototypeOf(row) !== Object.prototype) return false;
  if (Object.keys(row).length !== fields.length) return false;
  for (let j = 0; j < fields.length; j++) {
    // The row's own: Object.prototype holds no such name (encodeRows), and a value below is
    // a number, a text or null.
    const v = row[fields[j]];
    const map = codes[j];
    if (v === null) {
      out[at + j] = NaN;
    } else if (map === null) {
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      out[at + j] = v;
    } else {
      const code = typeof v === 'string' ? map.get(v) : undefined;
      if (code === undefined) return false;
      out[at + j] = code;
    }
  }
  return true;
}

/** The rows encoded (`values`: the features of each row in order) and the positions of those left to the module. */
export function encodeRows(p, rows) {
  const n = rows.length, k = p.fields.length;
  const values = new Float64Array(n * k);
  const slow = [];
  // A field read as `row[name]` from a plain object is the row's own unless Object.prototype
  // itself has that name: then every row goes the field-by-field way.
  const inherited = p.fields.some((name) => name in Object.prototype);
  for (let r = 0; r < n; r++) if (inherited || !encode(p, rows[r], values, r * k)) slow.push(r);
  return { values, slowIndex: Uint32Array.from(slow) };
}
