# sim/gossip: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/gossip/libcsgossip.a
sim_gossip_libcsgossip_a_SOURCES =
