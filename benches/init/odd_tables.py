"""Ten odd tables for a robustness pass of `advisor-train init` then `fit` (BENCHMARKS.md, "Ten odd
tables"): categories only, huge outliers, 0.2 % positives, missing labels and amounts with
thousands separators, account numbers and free text beside a `charged_off` label, the label
first and named `status`, 60 rows, a constant label, three label values, a pipe delimiter with a
date and an id. Standard library only; seeded. Usage: python3 benches/init/odd_tables.py OUT_DIR"""
import csv
import math
import os
import random
import sys

os.makedirs(sys.argv[1], exist_ok=True)
os.chdir(sys.argv[1])
random.seed(7)


def w(name, header, rows, delim=','):
    with open(name, 'w', newline='') as f:
        wr = csv.writer(f, delimiter=delim)
        wr.writerow(header)
        wr.writerows(rows)


N = 3000
# 1. only categorical features, label Yes/No
rows = []
for i in range(N):
    a, b, c = random.choice('ABCD'), random.choice(['red', 'green', 'blue']), random.choice(['x', 'y'])
    p = 0.1 + 0.3 * (a == 'A') + 0.2 * (b == 'red' and c == 'x')
    rows.append([a, b, c, 'Yes' if random.random() < p else 'No'])
w('cats_only.csv', ['grade', 'colour', 'kind', 'defaulted'], rows)
# 2. two numeric features, huge outliers and negatives, label 0/1 named 'target'
rows = []
for i in range(N):
    x = random.gauss(0, 1); y = random.gauss(0, 1)
    if random.random() < 0.01: x = random.choice([1e12, -1e12, 3.4e38])
    p = 1 / (1 + math.exp(-(max(min(x, 5), -5) + y)))
    rows.append([f"{x:.6g}", f"{y:.4f}", int(random.random() < p)])
w('outliers.csv', ['balance_change', 'score_delta', 'target'], rows)
# 3. very imbalanced (0.5 %), 20k rows
rows = []
for i in range(20000):
    x = random.gauss(0, 1)
    rows.append([f"{x:.3f}", random.randint(0, 10), int(random.random() < 0.002 + 0.01 * (x > 1.5))])
w('very_rare.csv', ['util', 'inquiries', 'bad'], rows)
# 4. label with missing values, numbers with thousands separators in quotes
rows = []
for i in range(N):
    inc = random.randint(1000, 200000)
    lab = '' if random.random() < 0.05 else ('1' if random.random() < 0.1 + (inc < 20000) * 0.3 else '0')
    rows.append([f"{inc:,}", random.randint(18, 70), lab])
w('missing_label.csv', ['income', 'age', 'default'], rows)
# 5. an unnamed high-cardinality string (account numbers like AB12345) and a free-text note
rows = []
for i in range(N):
    x = random.gauss(0, 1)
    rows.append([f"AB{random.randint(10000, 99999)}", random.choice(['ok', 'late twice', 'paid early', 'n/a']), f"{x:.2f}", int(random.random() < 1 / (1 + math.exp(-2 * x)))])
w('strings.csv', ['acct', 'remark', 'ratio', 'charged_off'], rows)
# 6. booleans as true/false and T/F, percentages, label as 'good'/'bad' strings in first column
rows = []
for i in range(N):
    u = random.random()
    rows.append(['bad' if random.random() < 0.1 + 0.4 * u else 'good', random.choice(['true', 'false']), random.choice(['T', 'F']), f"{u*100:.1f}%"])
w('label_first.csv', ['status', 'has_mortgage', 'owns_car', 'utilisation'], rows)
# 7. tiny: 60 rows
rows = []
for i in range(60):
    x = random.gauss(0, 1)
    rows.append([f"{x:.2f}", random.randint(0, 3), int(random.random() < 1 / (1 + math.exp(-x)))])
w('tiny.csv', ['x', 'k', 'y'], rows)
# 8. a label that is constant
w('const_label.csv', ['x', 'y'], [[random.random(), 0] for _ in range(500)])
# 9. three label values
w('three_labels.csv', ['x', 'y'], [[random.random(), random.choice(['a', 'b', 'c'])] for _ in range(500)])
# 10. pipe-delimited with a date and an id-like numeric column
rows = []
for i in range(N):
    x = random.gauss(0, 1)
    rows.append([100000 + i, f"2024-{random.randint(1,12):02d}-{random.randint(1,28):02d}", f"{x:.3f}", random.choice(['M', 'F']), int(random.random() < 1 / (1 + math.exp(-x)))])
w('pipes.csv', ['loan_id', 'opened', 'dti', 'gender', 'default'], rows, delim='|')
