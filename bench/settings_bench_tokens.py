"""Bench-only settings: the production settings, with the recommender token rate limits off (bench_recommender.py).

gradadmit/recommendations/views/recommender.py reads RECOMMENDATION_TOKEN_RATE_LIMITS with a getattr default
(120/m/ip), and gradadmit/settings.py has no way to change it from the environment; a load test from one address
would measure the 429 page. bench_recommender.py runs the server (and its seed script) with
DJANGO_SETTINGS_MODULE=bench.settings_bench_tokens and GRADADMIT_BENCH_TOKEN_LIMITS=off. Any other value keeps the
default limits (so a bench can also measure the limiter's own cost with, say, GRADADMIT_BENCH_TOKEN_LIMITS=on and
generous rates).

Only for GRADADMIT_BENCH=1 runs: refuses to load otherwise.
"""

import os

from gradadmit.settings import *  # noqa: F403

if os.environ.get("GRADADMIT_BENCH") != "1":
    raise RuntimeError("bench.settings_bench_tokens is for benchmarks only (GRADADMIT_BENCH=1)")

if os.environ.get("GRADADMIT_BENCH_TOKEN_LIMITS", "on") == "off":
    RECOMMENDATION_TOKEN_RATE_LIMITS = {}  # allauth's consume(): no rates for an action = always allowed
