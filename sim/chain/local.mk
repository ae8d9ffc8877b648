# sim/chain: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/chain/libcschain.a
sim_chain_libcschain_a_SOURCES = \
	sim/chain/cs-u256.h sim/chain/cs-u256.c \
	sim/chain/cs-hash.h sim/chain/cs-hash.c \
	sim/chain/cs-tx.h sim/chain/cs-tx.c \
	sim/chain/cs-merkle.h sim/chain/cs-merkle.c \
	sim/chain/cs-block.h sim/chain/cs-block.c \
	sim/chain/cs-validate.h sim/chain/cs-validate.c \
	sim/chain/cs-retarget.h sim/chain/cs-retarget.c \
	sim/chain/cs-block-tree.h sim/chain/cs-block-tree.c

check_PROGRAMS += tests/test-chain
TESTS += tests/test-chain
tests_test_chain_SOURCES = tests/test-chain.c
tests_test_chain_LDADD = sim/chain/libcschain.a $(DEPS_LIBS)
