# analysis/chain.gp: a chain run's blocks over time, from blocks.csv: for every main-chain block
# the time it took to reach 50% and 90% of the nodes against the time it was mined, and the stale
# blocks marked where they were mined. It shows what medians hide: the rare block that won a race
# late (its children carried it) and how stale blocks cluster. Same conventions as
# block-propagation.gp, so `chainsim plot` can run it; by hand:
#   gnuplot -e "blocks='DIR/blocks.csv'; out='DIR/chain'; label='DIR'" analysis/chain.gp
# Variables: blocks (blocks.csv), out (output name without extension: writes out.png and
# out.svg), label (title), scripts (the analysis directory, for style.gp).
if (!exists("scripts")) scripts = "analysis"
load scripts . "/style.gp"
if (!exists("blocks")) blocks = "blocks.csv"
if (!exists("out")) out = "chain"
if (!exists("label")) label = blocks

has(c) = strlen(strcol(c)) > 0 ? column(c) : NaN
stats blocks using (column("id")) nooutput
nblocks = STATS_records
stats blocks using (column("stale")) nooutput
nstale = STATS_sum
stats blocks using (has("t50_s")) nooutput
ymark = STATS_min > 0 ? STATS_min / 2 : 0.01  # where stale blocks are marked, below the rest

set title sprintf("Blocks over time (%s): %d blocks, %d stale", label, nblocks, nstale) font ",12"
set xlabel "mined at (s)"
set ylabel "time to reach 50% / 90% of the nodes (s)"
set logscale y
set key outside right top vertical

do for [fmt in "png svg"] {
  eval setterm(fmt, 1000, 560)
  set output out . "." . fmt
  plot blocks using "mined_at_s":(column("main") == 1 ? has("t90_s") : NaN) with points lt 2 ps 0.5 \
         title "main chain: 90%", \
       blocks using "mined_at_s":(column("main") == 1 ? has("t50_s") : NaN) with points lt 1 ps 0.5 \
         title "main chain: 50%", \
       blocks using "mined_at_s":(column("stale") == 1 ? ymark : NaN) \
         with points lt 7 pt 9 ps 1.3 title "stale block (mined then)"
}
