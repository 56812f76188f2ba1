"""Made-up CSV files shaped like lenders' own exports, for `advisor-train init` then `fit`
(BENCHMARKS.md, "init on lenders' own exports"). Standard library only; seeded, so the files
are the same on every run. Usage: python3 benches/init/awkward_csvs.py OUT_DIR"""
import csv
import io
import random
import sys
from pathlib import Path

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)


def write(name, header, rows, delim=',', bom=False, crlf=False, quote_all=False):
    s = io.StringIO()
    w = csv.writer(s, delimiter=delim, lineterminator='\r\n' if crlf else '\n',
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    (out / name).write_text(s.getvalue(), encoding='utf-8-sig' if bom else 'utf-8')


random.seed(1)
N = 600
# A spreadsheet's export: BOM, CRLF, every cell quoted, a customer number with letters,
# amounts written $2,100, a percentage, a date, a Y/N label.
rows = []
for i in range(N):
    inc = random.randint(1000, 9000)
    util = random.random()
    bad = 'Y' if random.random() < 0.2 + 0.5 * util - inc / 30000 else 'N'
    rows.append([f"C{100000 + i}", f"${inc:,}", f"{util * 100:.1f}%", random.choice(['Rent', 'Own', 'Mortgage']),
                 f"2023-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}", bad])
write('bom_crlf.csv', ['Customer ID', 'Monthly Income', 'Utilization', 'Home', 'Application Date', 'Defaulted'],
      rows, bom=True, crlf=True, quote_all=True)
# A label named `risk` holding good/bad, a constant, an empty column, free text, TRUE/FALSE.
rows = []
for i in range(N):
    a = random.gauss(40, 10)
    t = random.choice(['TRUE', 'FALSE'])
    lab = 'bad' if random.random() < (0.3 if t == 'TRUE' else 0.1) + (a < 30) * 0.2 else 'good'
    rows.append([f"{a:.2f}", 'X', '', f"note {random.randint(0, 10 ** 6)}", t, lab])
write('text_label.csv', ['age', 'const', 'empty', 'comment', 'has_card', 'risk'], rows)
# `;`-separated with a decimal comma, NA and `.` for missing, 3 % positives.
rows = []
for i in range(3000):
    x = random.gauss(0, 1)
    y = 1 if random.random() < 0.01 + 0.05 * (x > 1) else 0
    xs = 'NA' if random.random() < 0.05 else ('.' if random.random() < 0.02 else f"{x:.3f}".replace('.', ','))
    rows.append([xs, random.randint(0, 5), y])
write('semicolon.csv', ['score_x', 'n_loans', 'target'], rows, delim=';')
# Tab-separated, Chinese headers and categories, the label 违约.
rows = []
for i in range(N):
    inc = random.randint(3000, 30000)
    y = 1 if random.random() < 0.15 + (inc < 8000) * 0.2 else 0
    rows.append([random.choice(['男', '女']), random.choice(['北京', '上海', '广州', '深圳', '成都']), inc,
                 random.randint(18, 65), y])
write('chinese.tsv', ['性别', '城市', '月收入', '年龄', '违约'], rows, delim='\t')
random.seed(3)
# UCI Taiwan's header (the label `default payment next month`) and Kaggle's credit_risk_dataset
# (`loan_status`, beside a feature with `default` in its name).
rows = []
for i in range(800):
    pay = random.choice([-1, 0, 1, 2])
    y = 1 if random.random() < 0.1 + 0.15 * (pay > 0) else 0
    rows.append([i + 1, random.randint(1, 50) * 10000, random.choice([1, 2]), random.randint(21, 70), pay,
                 random.randint(0, 90000), y])
write('taiwan.csv', ['ID', 'LIMIT_BAL', 'SEX', 'AGE', 'PAY_0', 'BILL_AMT1', 'default payment next month'], rows)
rows = []
for i in range(800):
    r = round(random.uniform(5, 22), 2)
    y = 1 if random.random() < 0.05 + r / 40 else 0
    rows.append([random.randint(20, 70), random.randint(10, 200) * 1000, random.choice(['EDUCATION', 'MEDICAL', 'VENTURE']),
                 r if random.random() > 0.05 else '', y, random.choice(['Y', 'N'])])
write('credit_risk.csv', ['person_age', 'person_income', 'loan_intent', 'loan_int_rate', 'loan_status',
                          'cb_person_default_on_file'], rows)
