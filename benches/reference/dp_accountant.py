"""Reference ε for the privacy accountant (train/src/accountant.rs): Google's dp-accounting
RdpAccountant on a grid of (sampling rate, noise multiplier, steps, δ), written to
tests/fixtures/dp_accountant.json, which tests/tests/accountant.rs compares within 2 %.

    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install dp-accounting==0.6.0
    /tmp/refvenv/bin/python benches/reference/dp_accountant.py > tests/fixtures/dp_accountant.json
"""
import itertools
import json
import logging
import sys

import dp_accounting
from dp_accounting import dp_event
from dp_accounting.rdp import rdp_privacy_accountant as rdp

# dp-accounting logs each order whose series does not converge (then excluded, as in ours).
logging.getLogger("absl").setLevel(logging.ERROR)

QS = [0.001, 0.004, 0.01, 0.05, 0.1, 0.5, 1.0]
SIGMAS = [0.6, 0.8, 1.0, 1.3, 2.0, 4.0, 10.0]
STEPS = [1, 100, 1000, 10000]
DELTAS = [1e-5, 1e-6, 1e-8]

rows = []
for q, sigma, steps, delta in itertools.product(QS, SIGMAS, STEPS, DELTAS):
    acc = rdp.RdpAccountant()
    event = dp_event.PoissonSampledDpEvent(q, dp_event.GaussianDpEvent(sigma))
    acc.compose(dp_event.SelfComposedDpEvent(event, steps))
    eps, order = acc.get_epsilon_and_optimal_order(delta)
    rows.append({"q": q, "sigma": sigma, "steps": steps, "delta": delta, "epsilon": eps, "order": order})
print('{"reference": "dp-accounting 0.6.0 RdpAccountant (PoissonSampledDpEvent of GaussianDpEvent, self-composed)",')
print(' "command": "benches/reference/dp_accountant.py",')
print(' "grid": [')
print(",\n".join("  " + json.dumps(r) for r in rows))
print(" ]}")
