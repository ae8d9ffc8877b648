# bench: benchmarks that print their figures; not part of `make check` (included by Makefile.am).
.PHONY: bench
bench: bench-hold
bench: bench-validate-chains
include $(srcdir)/bench/storage-long.mk
include $(srcdir)/bench/scale.mk
