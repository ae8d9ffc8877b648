# sim/node: the node context protocols are written against (included by Makefile.am).
noinst_LIBRARIES += sim/node/libcsnode.a
sim_node_libcsnode_a_SOURCES = \
	sim/node/cs-msg.h sim/node/cs-msg.c \
	sim/node/cs-node.h sim/node/cs-node.c
