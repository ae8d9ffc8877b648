# analysis/stale-rate.gp: stale-block rate of a Nakamoto sweep against the block interval or the
# block size, with 95% confidence intervals, beside the closed form lambda*d/(1+lambda*d).
# Run by `chainsim plot DIR` on a sweep of nakamoto.interval and/or nakamoto.block_size, which
# sets:
#   file            sweep.csv
#   out             output name without extension (writes out.png and out.svg)
#   xcol, xdiv      the swept column and the divisor giving the x axis' unit
#   xlabel, logx    x axis label; 1 for a log scale
#   what            the swept quantity, for the title
#   nser            lines to draw; starts, ends (word lists) and step select each line's rows
#                   of sweep.csv (every step::start::end); t1..tN are their titles
# Closed form: a block mined within d of another one forks, so with blocks found at rate lambda
# a fraction lambda*d/(1+lambda*d) of them are stale. lambda = blocks mined / simulated time of
# the point's runs (chain.blocks_total, simulated_duration_s); d = the measured median time for a
# block to reach half of the nodes (chain.propagation_s.p50), which with every node mining is
# the time half of the hash power needs to learn of it. Each point's prediction uses its own
# measured lambda and d; the dashed lines join the predictions.
if (!exists("scripts")) scripts = "analysis"
load scripts . "/style.gp"
if (!exists("file")) file = "sweep.csv"
if (!exists("out")) out = "stale-vs-interval"
if (!exists("xcol")) xcol = "nakamoto.interval"
if (!exists("xdiv")) xdiv = 1
if (!exists("xlabel")) xlabel = "block interval (s)"
if (!exists("logx")) logx = 1
if (!exists("what")) what = "block interval"
if (!exists("nser")) { nser = 1; starts = "0"; ends = "1000000"; step = 1; t1 = "simulated" }

m = "chain.stale_rate"
lam = 0; d = 0
pred(l, d) = l * d / (1 + l * d)
predicted(dummy) = pred(column("chain.blocks_total.mean") / column("simulated_duration_s.mean"), \
                        column("chain.propagation_s.p50.mean"))
clip0(y) = y < 0 ? 0 : y
x(dummy) = column(xcol) / xdiv
first(i) = int(word(starts, i))
last(i) = int(word(ends, i))

set title "Stale-block rate against the " . what . "\n" \
  . "points: simulated (mean of the runs, 95% confidence interval); dashed: closed form λd/(1+λd)" \
  font ",12"
set xlabel xlabel
set ylabel "stale blocks / blocks mined"
set yrange [0:*]
stats file using (x(0)) nooutput
if (logx) { \
  set logscale x; set format x "%g"; \
  set xtics (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000); \
  set xrange [STATS_min / 1.3 : STATS_max * 1.3] \
} else { unset logscale x; set xrange [0 : STATS_max * 1.06] }
set key outside right top vertical
set label 1 "closed form: λ = measured block rate (blocks mined / simulated time); d = measured median time for a block to reach half of the nodes (chain.propagation_s.p50)" \
  at screen 0.01, screen 0.03 font ",10" tc rgb "#555555"
set bmargin 6

do for [fmt in "png svg"] {
  eval setterm(fmt, 1200, 660)
  set output out . "." . fmt
  plot for [i=1:nser] file every step::first(i)::last(i) using (x(0)):(column(m . ".mean")):(clip0(cilo(m))):(cihi(m)) \
         with yerrorlines lt i title value(sprintf("t%d", i)), \
       for [i=1:nser] file every step::first(i)::last(i) using (x(0)):(predicted(0)) \
         with linespoints lt i dt 2 pt 6 lw 1.5 title (i == 1 ? "closed form λd/(1+λd) (each colour)" : "")
}
set output
