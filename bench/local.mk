# bench: benchmarks that print their figures; not part of `make check` (included by Makefile.am).
.PHONY: bench
bench: bench-hold
