# scenarios: the example scenarios, distributed with the sources (included by Makefile.am).
dist_noinst_DATA += scenarios/gossip.yaml
dist_noinst_DATA += scenarios/bitcoin.yaml scenarios/litecoin.yaml scenarios/dogecoin.yaml \
	scenarios/ethereum-pow.yaml
dist_noinst_DATA += scenarios/redundancy-compare.yaml scenarios/ai-model-shards.yaml
dist_noinst_DATA += scenarios/raft-partition.yaml scenarios/pbft-wan.yaml scenarios/hotstuff-wan.yaml \
	scenarios/pbft-faults.yaml \
	scenarios/consensus-compare.yaml

# The default scenario: what `make demo` and the README's quick start run.
DEMO_SCENARIO = scenarios/bitcoin.yaml
