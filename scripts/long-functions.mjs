#!/usr/bin/env node
// Prints the longest functions of core/src and train/src (rustfmt'd code: a function ends at the
// first line that is its own indentation and `}`). A report, not a gate: CI prints those above
// 60 lines; `--max N` exits 1 when any is longer than N (the codebase's bar is 80).
//   node scripts/long-functions.mjs [--top 15] [--over 60] [--max 80]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const [top, over, max] = [arg('--top', 15), arg('--over', 60), arg('--max', Infinity)];

function* rustFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* rustFiles(path);
    else if (name.endsWith('.rs')) yield path;
  }
}

const FN = /^(\s*)(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)/;

function functions(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const found = [];
  lines.forEach((line, i) => {
    const m = FN.exec(line);
    if (!m) return;
    const end = lines.findIndex((l, j) => j > i && l === `${m[1]}}`);
    // A declaration without a body (`fn f();` in a trait) ends on its own line.
    if (end < 0 || lines.slice(i, end).some((l, k) => k > 0 && FN.exec(l)?.[1] === m[1])) return;
    found.push({ name: m[2], file: relative(root, path), line: i + 1, lines: end - i + 1 });
  });
  return found;
}

const all = ['core/src', 'train/src'].flatMap((d) => [...rustFiles(join(root, d))].flatMap(functions));
all.sort((a, b) => b.lines - a.lines);
const shown = all.filter((f, i) => i < top || f.lines > over);
console.log(`longest functions in core/src and train/src (${all.length} in all; over ${over} lines: ${all.filter((f) => f.lines > over).length})`);
for (const f of shown) console.log(`${String(f.lines).padStart(5)}  ${f.name}  ${f.file}:${f.line}`);
const tooLong = all.filter((f) => f.lines > max);
if (tooLong.length) {
  console.error(`${tooLong.length} function(s) longer than ${max} lines`);
  process.exit(1);
}
