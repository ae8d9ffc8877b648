# analysis/block-propagation.gp: block propagation of a chain run, as cumulative distributions
# over blocks of the time a block took to reach 50%, 90% and 100% of the nodes (blocks.csv:
# t50_s, t90_s, t100_s), and of all (block, node) arrivals (propagation.csv). Run by
# `chainsim plot DIR` on a run with blocks.csv, which sets:
#   blocks, prop    blocks.csv and propagation.csv ('' when absent)
#   out             output name without extension (writes out.png and out.svg)
#   label           the run's directory name, for the title
# The curves count every block mined: one that never reached 100% of the nodes (an empty t100_s:
# a stale block whose miners moved on) keeps its curve below 1.
if (!exists("scripts")) scripts = "analysis"
load scripts . "/style.gp"
if (!exists("blocks")) blocks = "blocks.csv"
if (!exists("prop")) prop = ""
if (!exists("out")) out = "block-propagation"
if (!exists("label")) label = blocks

stats blocks using (column("id")) nooutput
nblocks = STATS_records
has(c) = strlen(strcol(c)) > 0 ? column(c) : NaN
# For the cumulative curves: a block that never got there counts at "never", far right of the
# axis (an undefined value would split the curve in two, each summed apart).
when(c) = strlen(strcol(c)) > 0 ? column(c) : 1e30
stats blocks using (has("t100_s")) nooutput
tmax = STATS_max

set title sprintf("Block propagation (%s): %d blocks\n", label, nblocks) \
  . "fraction of blocks that reached 50%, 90% and 100% of the nodes within a given time" font ",12"
set xlabel "time since the block was mined (s)"
set ylabel "fraction of blocks (dashed: of all arrivals)"
set yrange [0:1.02]
set xrange [0:tmax * 1.05]
set key outside right top vertical

do for [fmt in "png svg"] {
  eval setterm(fmt, 1200, 620)
  set output out . "." . fmt
  if (strlen(prop) > 0) {
    plot blocks using (when("t50_s")):(1.0 / nblocks) smooth cumulative lt 1 title "50% of the nodes", \
         blocks using (when("t90_s")):(1.0 / nblocks) smooth cumulative lt 2 title "90% of the nodes", \
         blocks using (when("t100_s")):(1.0 / nblocks) smooth cumulative lt 3 title "100% of the nodes", \
         prop using (column("delay_s")):(column("fraction")) with lines lt 8 dt 2 \
           title "all (block, node) arrivals"
  } else {
    plot blocks using (when("t50_s")):(1.0 / nblocks) smooth cumulative lt 1 title "50% of the nodes", \
         blocks using (when("t90_s")):(1.0 / nblocks) smooth cumulative lt 2 title "90% of the nodes", \
         blocks using (when("t100_s")):(1.0 / nblocks) smooth cumulative lt 3 title "100% of the nodes"
  }
}
set output
