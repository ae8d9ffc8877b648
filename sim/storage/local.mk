# sim/storage: sharded data with redundancy: placement policies, Reed-Solomon over ISA-L, the
# directory, repair, reads and inference (included by Makefile.am).
noinst_LIBRARIES += sim/storage/libcsstorage.a
sim_storage_libcsstorage_a_SOURCES = \
	sim/storage/cs-storage-config.h sim/storage/cs-storage-config.c \
	sim/storage/cs-rs.h sim/storage/cs-rs.c \
	sim/storage/cs-placement.h sim/storage/cs-placement.c \
	sim/storage/cs-placement-random.c \
	sim/storage/cs-placement-ring.c \
	sim/storage/cs-placement-region.c \
	sim/storage/cs-placement-copyset.c \
	sim/storage/cs-storage.h sim/storage/cs-storage-private.h \
	sim/storage/cs-storage-dir.c \
	sim/storage/cs-storage-repair.c \
	sim/storage/cs-storage-node.c \
	sim/storage/cs-storage-workload.c \
	sim/storage/cs-storage-service.c \
	sim/storage/cs-storage-report.c

# Unit tests: erasure coding (every loss pattern), placement, the node logic, whole runs.
check_PROGRAMS += tests/test-storage
TESTS += tests/test-storage
tests_test_storage_SOURCES = tests/test-storage.c tests/validation/cs-storage-harness.h
tests_test_storage_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

# Validation: availability against 1 - p^r and the binomial sum; region outages against the
# hypergeometric form.
check_PROGRAMS += tests/validation/test-storage-availability
TESTS += tests/validation/test-storage-availability
tests_validation_test_storage_availability_SOURCES = \
	tests/validation/test-storage-availability.c tests/validation/cs-storage-harness.h
tests_validation_test_storage_availability_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)
