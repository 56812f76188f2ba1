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
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return false;
  if (Object.keys(row).length !== fields.length) return false;
  for (let j = 0; j < fields.length; j++) {
    const name = fields[j];
    if (!Object.hasOwn(row, name)) return false;
    const v = row[name];
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
  for (let r = 0; r < n; r++) if (!encode(p, rows[r], values, r * k)) slow.push(r);
  return { values, slowIndex: Uint32Array.from(slow) };
}
