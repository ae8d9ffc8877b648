# analysis: gnuplot scripts (run by `chainsim plot`), the example sweeps, and the demo target
# that runs the default scenario, the example sweeps and the storage scenarios to their plots
# (included by Makefile.am).

# The scripts are installed (`chainsim plot` finds them there when the source tree is gone).
analysisdir = $(pkgdatadir)/analysis
dist_analysis_DATA = analysis/style.gp analysis/propagation.gp analysis/block-propagation.gp \
	analysis/stale-rate.gp analysis/availability.gp analysis/availability-time.gp \
	analysis/inference.gp
# A chain run's blocks over time (blocks.csv), same conventions as block-propagation.gp.
dist_analysis_DATA += analysis/chain.gp
# The example sweeps (scenarios/) and the README's pictures of their plots.
dist_noinst_DATA += scenarios/fork-vs-interval.yaml scenarios/availability-vs-failure.yaml
EXTRA_DIST += analysis/examples

DEMO_OUT = results/demo

# `make demo`: the README's first command ends here. Runs the default scenario, the gossip
# scenario, the two example sweeps (in parallel on every processor) and the two storage
# scenarios, then draws every plot that applies to each results directory. Sweeps resume: a
# second `make demo` reruns only the single runs. About a minute of wall time on 2 cores.
DEMO_RUNS = \
	$(DEMO_OUT):$(DEMO_SCENARIO) \
	results/gossip:scenarios/gossip.yaml \
	results/ai-model-shards:scenarios/ai-model-shards.yaml \
	results/redundancy-compare:scenarios/redundancy-compare.yaml
DEMO_SWEEPS = \
	results/fork-vs-interval:scenarios/fork-vs-interval.yaml \
	results/availability-vs-failure:scenarios/availability-vs-failure.yaml

.PHONY: demo
demo: sim/chainsim
	@set -e; dirs=; for pair in $(DEMO_RUNS); do \
	  out=$${pair%%:*}; scenario=$${pair#*:}; dirs="$$dirs $$out"; \
	  echo "chainsim run $$scenario --out $$out"; \
	  sim/chainsim run $(srcdir)/$$scenario --out $$out; \
	done; \
	for pair in $(DEMO_SWEEPS); do \
	  out=$${pair%%:*}; scenario=$${pair#*:}; dirs="$$dirs $$out"; \
	  echo "chainsim sweep $$scenario --out $$out"; \
	  sim/chainsim sweep $(srcdir)/$$scenario --out $$out; \
	done; \
	if test -n "$(GNUPLOT)"; then \
	  echo "plots:"; \
	  CHAINSIM_ANALYSIS_DIR=$(abs_srcdir)/analysis sim/chainsim plot $$dirs | sed 's/^/  /'; \
	else echo "gnuplot not found (apt-get install gnuplot-nox): no plots drawn"; fi; \
	echo "summaries: $$(for d in $$dirs; do test -f $$d/sweep.csv && echo $$d/sweep.csv || echo $$d/summary.json; done | tr '\n' ' ')"
