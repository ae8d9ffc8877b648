# sim/fault: fault schedules (crash-recover, crash-stop, churn, regional outages, bursts,
# partitions, loss bursts, delay spikes, slow nodes and leaders) drawn from the scenario and the seed, and played into a run
# (included by Makefile.am).
noinst_LIBRARIES += sim/fault/libcsfault.a
sim_fault_libcsfault_a_SOURCES = \
	sim/fault/cs-dist.h sim/fault/cs-dist.c \
	sim/fault/cs-fault-config.h sim/fault/cs-fault-config.c \
	sim/fault/cs-fault-schedule.h sim/fault/cs-fault-schedule.c \
	sim/fault/cs-fault-runner.h sim/fault/cs-fault-runner.c

# Unit tests of the schedule and of crash / recovery in the world.
check_PROGRAMS += tests/test-fault
TESTS += tests/test-fault
tests_test_fault_SOURCES = tests/test-fault.c
tests_test_fault_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

# Unit tests of the latency faults (delay spikes, slow nodes) and of the heal time.
check_PROGRAMS += tests/test-fault-delays
TESTS += tests/test-fault-delays
tests_test_fault_delays_SOURCES = tests/test-fault-delays.c
tests_test_fault_delays_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

# Validation: long-run node uptime against E[up] / (E[up] + E[down]).
check_PROGRAMS += tests/validation/test-fault-uptime
TESTS += tests/validation/test-fault-uptime
tests_validation_test_fault_uptime_SOURCES = tests/validation/test-fault-uptime.c
tests_validation_test_fault_uptime_LDADD = sim/fault/libcsfault.a sim/net/libcsnet.a \
	sim/metrics/libcsmetrics.a sim/scenario/libcsscenario.a sim/engine/libcsengine.a $(DEPS_LIBS)
