# analysis: gnuplot scripts, and the demo target that runs the default scenario to its plots
# (included by Makefile.am).
dist_noinst_DATA += analysis/propagation.gp

DEMO_OUT = results/demo

# `make demo`: the README's first command ends here. Runs the default scenario, then plots it.
.PHONY: demo
demo: sim/chainsim
	sim/chainsim run $(srcdir)/$(DEMO_SCENARIO) --out $(DEMO_OUT)
	@if test -n "$(GNUPLOT)"; then \
	  $(GNUPLOT) -e "dir='$(DEMO_OUT)'" $(srcdir)/analysis/propagation.gp && \
	  echo "plots: $(DEMO_OUT)/propagation.png $(DEMO_OUT)/propagation.svg"; \
	else echo "gnuplot not found (apt-get install gnuplot-nox): no plots drawn"; fi
	@echo "summary: $(DEMO_OUT)/summary.json"
