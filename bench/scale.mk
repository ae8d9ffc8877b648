# bench/scale.mk: speed and scale (issue 6), `make bench-scale`, part of `make bench` (included by
# bench/local.mk). bench/scale runs sim/chainsim and prints wall time, events/s, peak RSS and the
# SHA-256 of the outputs. The Bitcoin runs are scenarios/bitcoin.yaml (16 pools, inv-getdata) on
# the Bitcoin 2019 network; duration = blocks x 600 s (Poisson: about that many blocks).
noinst_PROGRAMS += bench/scale
bench_scale_SOURCES = bench/scale.c
bench_scale_LDADD = $(GLIB_LIBS)

CS_BENCH_BTC = $(srcdir)/scenarios/bitcoin.yaml --set network.preset=bitcoin-2019
.PHONY: bench-scale bench-bitcoin-10k bench-bitcoin-100k bench-redundancy-10k bench-growth
bench: bench-scale
bench-scale: bench-bitcoin-10k bench-bitcoin-100k bench-redundancy-10k bench-growth
# 10,000 nodes x 1,000 blocks (target: <= 15 s, <= 400 MB), on both cores and on one (the
# digests must be equal: threads change nothing but speed)
bench-bitcoin-10k: bench/scale sim/chainsim
	./bench/scale --reps 3 bitcoin-10k-x1000 $(CS_BENCH_BTC) \
	  --set network.nodes=10000 --set duration=600000s --threads 2
	./bench/scale --reps 1 bitcoin-10k-x1000-1thread $(CS_BENCH_BTC) \
	  --set network.nodes=10000 --set duration=600000s --threads 1
# 100,000 nodes x 100 blocks (target: <= 60 s, <= 4 GB)
bench-bitcoin-100k: bench/scale sim/chainsim
	./bench/scale --reps 1 bitcoin-100k-x100 $(CS_BENCH_BTC) \
	  --set network.nodes=100000 --set duration=60000s --threads 2
	./bench/scale --reps 1 bitcoin-100k-x100-1thread $(CS_BENCH_BTC) \
	  --set network.nodes=100000 --set duration=60000s --threads 1
# redundancy-compare (seven strategies, its whole ten-day failure trace) at 10,000 nodes and 10^5
# objects: about 190 s of wall time and 370 MB
bench-redundancy-10k: bench/scale sim/chainsim
	./bench/scale --reps 1 redundancy-10k-1e5 $(srcdir)/scenarios/redundancy-compare.yaml \
	  --set network.nodes=10000 --set 'storage.collections=[{name: dataset, objects: 100000, size: 32MB}]'
# growth in nodes x blocks: 100 blocks at 1k, 10k and 100k nodes (the 100k point is bench-bitcoin-100k)
bench-growth: bench/scale sim/chainsim
	./bench/scale --reps 3 bitcoin-1k-x100 $(CS_BENCH_BTC) --set network.nodes=1000 --set duration=60000s --threads 2
	./bench/scale --reps 3 bitcoin-10k-x100 $(CS_BENCH_BTC) --set network.nodes=10000 --set duration=60000s --threads 2
