# scenarios: the example scenarios, distributed with the sources (included by Makefile.am).
dist_noinst_DATA += scenarios/gossip.yaml

# The default scenario: what `make demo` and the README's quick start run.
DEMO_SCENARIO = scenarios/gossip.yaml
