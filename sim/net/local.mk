# sim/net: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/net/libcsnet.a
sim_net_libcsnet_a_SOURCES =
