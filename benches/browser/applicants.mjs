// The benchmarks' synthetic applicants, drawn from a bundle's schema with a seeded generator
// (page.mjs and profile-page.mjs: the same applicants in both).

/** A function that draws the next applicant for `schema` (seed 42 unless given). */
export function applicants(schema, seed = 42) {
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return () => {
    const a = {};
    for (const f of schema.fields) {
      if (f.categories.length) a[f.name] = f.categories[Math.floor(rnd() * f.categories.length)].value;
      else {
        const lo = f.min ?? 0, hi = f.max ?? Math.max(1, 3 * (f.typical ?? 1));
        const v = lo + rnd() * (hi - lo);
        a[f.name] = f.integer ? Math.round(v) : v;
      }
    }
    return a;
  };
}
