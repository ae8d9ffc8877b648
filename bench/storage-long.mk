# bench/storage-long.mk: the long variants of the fault and storage validation tests (the same
# sources as tests/validation/, built with CS_VALIDATION_LONG: more nodes and objects, longer
# horizons, so tighter intervals). Minutes, not seconds: `make bench-storage-long`, not part of
# `make check` (included by bench/local.mk).
noinst_PROGRAMS += bench/fault-uptime-long bench/storage-availability-long
bench_fault_uptime_long_SOURCES = tests/validation/test-fault-uptime.c
bench_fault_uptime_long_CPPFLAGS = $(AM_CPPFLAGS) -DCS_VALIDATION_LONG
bench_fault_uptime_long_LDADD = sim/fault/libcsfault.a sim/net/libcsnet.a \
	sim/metrics/libcsmetrics.a sim/scenario/libcsscenario.a sim/engine/libcsengine.a $(DEPS_LIBS)
bench_storage_availability_long_SOURCES = \
	tests/validation/test-storage-availability.c tests/validation/cs-storage-harness.h
bench_storage_availability_long_CPPFLAGS = $(AM_CPPFLAGS) -DCS_VALIDATION_LONG
bench_storage_availability_long_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

.PHONY: bench-storage-long
bench: bench-storage-long
bench-storage-long: bench/fault-uptime-long bench/storage-availability-long
	./bench/fault-uptime-long --verbose
	./bench/storage-availability-long --verbose
