// scoreBatch's and score's fast path: applicant objects encoded here, in one pass of plain
// property reads, into one Float64Array that the wasm module checks and scores in one call
// (reading each object field by field from wasm costs a call across the boundary per field).
// A row this encoder is not sure of — a missing or extra key, a text where a number goes, a
// category it does not know, anything that is not a finite number, a known category text or
// null — is left to the module, which reads it field by field as score() does: its result or
// its error is the same.

/**
 * The encoder for one bundle, from its `schema()`: each field's name, and each categorical
 * field's values by code (the module checks a code as it would the category's text).
 */
export function planner(schema) {
  const fields = schema.fields.map((f) => f.name);
  const codes = schema.fields.map((f) => (f.categories.length ? new Map(f.categories.map((c, i) => [c.value, i])) : null));
  return { fields, codes };
}

/** Field `j`'s value `v` into `out[at]`; false when the module must read it. */
function put(codes, j, v, out, at) {
  const map = codes[j];
  if (v === null) {
    out[at] = NaN;
  } else if (map === null) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    out[at] = v;
  } else {
    const code = typeof v === 'string' ? map.get(v) : undefined;
    if (code === undefined) return false;
    out[at] = code;
  }
  return true;
}

/**
 * Encodes `row` into `out` at `at`; false when it needs the field-by-field path. Its fields
 * are the row's own: the row is a plain object, and Object.prototype holds no field's name
 * (the callers check, `inherited`).
 */
function encode(p, row, out, at) {
  if (row === null || typeof row !== 'object' || Object.getPrototypeOf(row) !== Object.prototype) return false;
  return inOrder(p, row, out, at) || byName(p, row, out, at);
}

/** A row whose keys are the fields in order (as a form or a CSV reader builds it): read by `for…in`, which V8 serves from the object's own layout. */
function inOrder({ fields, codes }, row, out, at) {
  let j = 0;
  for (const key in row) {
    if (key !== fields[j] || !put(codes, j, row[key], out, at + j)) return false;
    j++;
  }
  return j === fields.length;
}

/** Any row with exactly the fields as its keys, each read by name. */
function byName({ fields, codes }, row, out, at) {
  if (Object.keys(row).length !== fields.length) return false;
  for (let j = 0; j < fields.length; j++) if (!put(codes, j, row[fields[j]], out, at + j)) return false;
  return true;
}

/**
 * One applicant encoded into `out` (its fields in order), as score() sends it; false when the
 * module must read it field by field.
 */
export function encodeOne(p, row, out) {
  return !inherited(p) && encode(p, row, out, 0);
}

/**
 * Whether Object.prototype itself has a field's name: then `row[name]` may read it rather than
 * the row's own, and every row goes the field-by-field way.
 */
function inherited(p) {
  return p.fields.some((name) => name in Object.prototype);
}

/** The rows encoded (`values`: the features of each row in order) and the positions of those left to the module. */
export function encodeRows(p, rows) {
  const n = rows.length, k = p.fields.length;
  const values = new Float64Array(n * k);
  const slow = [];
  const slowAll = inherited(p);
  for (let r = 0; r < n; r++) if (slowAll || !encode(p, rows[r], values, r * k)) slow.push(r);
  return { values, slowIndex: Uint32Array.from(slow) };
}
