"""The ranking engine on a 5,000-application cycle (9 programmes) against a plain sort of the same rows.

Pure Python, in this process: the engine (gradadmit.scoring.ranking.rank, every programme) and the reference
(sorted() of the same candidates by (total, stage 2, stage 1), totals precomputed) alternate ROUNDS times;
ratio = median reference time / median engine time (target >= 0.2: the engine at most five times a plain sort).
The whole run with loading and saving runs in a fixed number of queries, checked by
scoring/tests/test_views.py::test_ranking_run_in_fixed_queries. Environment: BENCH_RANKING_ROUNDS (15).
"""

import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from gradadmit.scoring.ranking import Candidate, Rules, Stage, rank, total_of  # noqa: E402

NAME = "ranking"
TARGET = 0.2
ROUNDS = int(os.environ.get("BENCH_RANKING_ROUNDS", "15"))
APPLICATIONS, PROGRAMMES = 5000, 9
STAGES = (Stage("document_review", Decimal("0.4")), Stage("interview", Decimal("0.6")))


def cycle():
    rnd = random.Random(115)
    programmes = []
    key = 0
    for index in range(PROGRAMMES):
        rules = Rules(
            stages=STAGES,
            quotas={"general": 20 + index, "in_service": 5},
            waitlists={"general": 10, "in_service": 3},
            minimum_standard=Decimal(60),
        )
        candidates = []
        for _ in range(APPLICATIONS // PROGRAMMES + (1 if index < APPLICATIONS % PROGRAMMES else 0)):
            key += 1
            s1 = Decimal(rnd.randint(0, 10000)) / 100
            s2 = None if rnd.random() < 0.03 else Decimal(rnd.randint(0, 10000)) / 100
            identity = "in_service" if rnd.random() < 0.2 else "general"
            candidates.append(Candidate(key, identity, (s1, s2), invited=s1 >= 30))
        programmes.append((candidates, rules))
    return programmes


def engine(programmes):
    for candidates, rules in programmes:
        rank(candidates, rules)


def reference(rows):
    for programme in rows:
        sorted(programme, key=lambda r: (r[0], r[1], r[2]), reverse=True)


def run() -> int:
    programmes = cycle()
    rows = [
        [(total_of(c.scores, STAGES), c.scores[1] or 0, c.scores[0] or 0, c.key) for c in candidates]
        for candidates, _rules in programmes
    ]
    engine(programmes)
    reference(rows)
    engine_times, reference_times = [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        engine(programmes)
        engine_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        reference(rows)
        reference_times.append(time.perf_counter() - start)
    e, r = statistics.median(engine_times), statistics.median(reference_times)
    ratio = r / e
    print(f"engine: median {e * 1000:.1f} ms for {APPLICATIONS} applications in {PROGRAMMES} programmes")
    print(f"plain sort: median {r * 1000:.1f} ms")
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET}) {'PASS' if ratio >= TARGET else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(run())
