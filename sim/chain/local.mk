# sim/chain: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/chain/libcschain.a
sim_chain_libcschain_a_SOURCES =
