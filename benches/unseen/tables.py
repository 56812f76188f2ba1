#!/usr/bin/env python3
"""Made-up credit tables with what the four shared sets lack, for checking that the trainer's
defaults generalise (scripts/bench-unseen.sh): rare events, a category with hundreds of values,
missing values that carry the risk, few rows with many columns, a risk made of thresholds and
interactions, and categories written as integer codes beside an id, a constant and a copied
column. Seeded: the same files every time.

    python3 benches/unseen/tables.py OUT_DIR        # writes OUT_DIR/<name>.csv (numpy only)

Each label is drawn from a known probability, so a model's test AUC has a ceiling the script
also writes (OUT_DIR/<name>.oracle: the AUC of the true probability on every row).
"""
import csv
import os
import sys

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def rare_events(rng):
    """30,000 rows, about 1.5 % positive: skewed amounts, counts, two categories."""
    n = 30_000
    income = np.round(rng.lognormal(10.3, 0.6, n), -1)
    age = rng.integers(18, 80, n)
    util = np.clip(rng.beta(2, 3, n) * 1.4, 0, 1.5).round(3)
    late = rng.poisson(0.3, n)
    months = rng.integers(0, 360, n)
    amount = np.round(rng.lognormal(9.0, 0.8, n), -1)
    purpose = rng.choice(["car", "home", "education", "business", "holiday", "other"], n, p=[.3, .25, .1, .1, .1, .15])
    region = rng.choice([f"R{i:02d}" for i in range(10)], n)
    pe = {"car": 0, "home": -.3, "education": .2, "business": .6, "holiday": .4, "other": .1}
    z = (-5.2 - 0.8 * (np.log(income) - 10.3) + 1.6 * util + 0.9 * late - 0.004 * months
         + 0.5 * (np.log(amount) - 9.0) + np.vectorize(pe.get)(purpose) + 0.02 * np.abs(age - 45))
    cols = {"income": income, "age": age, "utilisation": util, "late_payments": late,
            "months_at_job": months, "amount": amount, "purpose": purpose, "region": region}
    return cols, sigmoid(z), "default", ("1", "0")


def high_cardinality(rng):
    """12,000 rows: an employer sector with 250 values and a branch with 40, each with its own
    effect, beside five numbers."""
    n = 12_000
    sectors = [f"S{i:03d}" for i in range(250)]
    sector_p = rng.dirichlet(np.full(250, 0.7))
    sector = rng.choice(250, n, p=sector_p)
    branch = rng.integers(0, 40, n)
    s_eff, b_eff = rng.normal(0, 0.8, 250), rng.normal(0, 0.4, 40)
    x = rng.normal(0, 1, (n, 5))
    z = -1.6 + s_eff[sector] + b_eff[branch] + 0.6 * x[:, 0] - 0.5 * x[:, 1] + 0.3 * x[:, 2] * x[:, 3]
    cols = {"sector": np.array(sectors)[sector], "branch": np.array([f"branch {i}" for i in range(40)])[branch]}
    for j in range(5):
        cols[f"x{j}"] = x[:, j].round(3)
    return cols, sigmoid(z), "bad", ("yes", "no")


def informative_missing(rng):
    """10,000 rows: a bureau score missing for thin files (who are riskier), income missing at
    random, markers "" and "NA"."""
    n = 10_000
    thin = rng.random(n) < 0.4
    score = np.round(rng.normal(650, 80, n))
    income = np.round(rng.lognormal(10.5, 0.5, n), -2)
    debt = rng.uniform(0, 0.9, n).round(3)
    tenure = rng.integers(0, 30, n)
    z = -1.8 + 1.1 * thin - 0.012 * np.where(thin, 0, score - 650) - 0.6 * (np.log(income) - 10.5) + 2.0 * debt - 0.03 * tenure
    score_s = np.where(thin, "", score.astype(int).astype(str))
    income_s = np.where(rng.random(n) < 0.2, "NA", income.astype(int).astype(str))
    cols = {"bureau_score": score_s, "income": income_s, "debt_ratio": debt, "years_customer": tenure}
    return cols, sigmoid(z), "target", ("1", "0")


def small_wide(rng):
    """500 rows, 80 numbers, five of them informative."""
    n, k = 500, 80
    x = rng.normal(0, 1, (n, k))
    z = -0.8 + 0.9 * x[:, 0] - 0.7 * x[:, 1] + 0.5 * x[:, 2] + 0.5 * x[:, 3] - 0.4 * x[:, 4]
    cols = {f"f{j:02d}": x[:, j].round(3) for j in range(k)}
    return cols, sigmoid(z), "y", ("1", "0")


def thresholds(rng):
    """20,000 rows: risk made of thresholds and an interaction (what trees find), label words
    good / bad."""
    n = 20_000
    dti = rng.uniform(0, 0.8, n).round(3)
    late = rng.poisson(0.8, n)
    util = rng.uniform(0, 1.2, n).round(3)
    age = rng.integers(18, 75, n)
    inquiries = rng.poisson(1.5, n)
    home = rng.choice(["own", "rent", "mortgage"], n)
    z = (-2.4 + 1.3 * (dti > 0.43) + 1.5 * ((late >= 2) & (util > 0.8)) + 0.8 * (age < 25)
         + 0.4 * (inquiries >= 4) + 0.3 * (home == "rent"))
    cols = {"dti": dti, "late_payments": late, "utilisation": util, "age": age, "inquiries": inquiries, "home": home}
    return cols, sigmoid(z), "class", ("bad", "good")


def integer_codes(rng):
    """8,000 rows: region and product written as integer codes with effects in no order, a
    customer id, a constant column and a copied column."""
    n = 8_000
    region = rng.integers(1, 16, n)
    product = rng.integers(100, 121, n)
    r_eff, p_eff = rng.normal(0, 0.7, 16), rng.normal(0, 0.6, 121)
    income = np.round(rng.lognormal(10.4, 0.5, n), -1)
    amount = np.round(rng.uniform(1000, 40000, n), -2)
    z = -1.5 + r_eff[region] + p_eff[product] - 0.7 * (np.log(income) - 10.4) + 0.00003 * (amount - 20000)
    cols = {"customer_id": np.arange(700_001, 700_001 + n), "region_code": region, "product_code": product,
            "income": income, "loan_amount": amount, "country": np.full(n, "NL"), "income_copy": income}
    return cols, sigmoid(z), "default_flag", ("1", "0")


TABLES = [rare_events, high_cardinality, informative_missing, small_wide, thresholds, integer_codes]


def auc(p, y):
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    pos = y.sum()
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos))


def main(out):
    os.makedirs(out, exist_ok=True)
    for i, make in enumerate(TABLES):
        rng = np.random.default_rng(20261204 + i)
        cols, p, label, (yes, no) = make(rng)
        y = (rng.random(len(p)) < p).astype(int)
        with open(os.path.join(out, f"{make.__name__}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(list(cols) + [label])
            for r in range(len(p)):
                w.writerow([cols[c][r] for c in cols] + [yes if y[r] else no])
        with open(os.path.join(out, f"{make.__name__}.oracle"), "w") as f:
            f.write(f"{auc(p, y):.4f}\n")
        print(f"{make.__name__}: {len(p)} rows, {y.mean():.3%} positive, oracle AUC {auc(p, y):.4f}")


if __name__ == "__main__":
    main(sys.argv[1])
