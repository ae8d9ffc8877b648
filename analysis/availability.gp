# analysis/availability.gp: availability of stored objects against node unavailability, one line
# per redundancy strategy, with 95% confidence intervals, beside the closed forms for independent
# failures. Two panels: availability (linear), and unavailability 1 - A on a log scale, where
# the "nines" and the closed forms' slopes show. Run by `chainsim plot DIR` on a storage sweep,
# which sets:
#   file                 sweep.csv
#   out                  output name without extension (writes out.png and out.svg)
#   names                the strategies (word list)
#   needs, frags         per strategy: fragments needed to read an object, fragments stored
#                        (replication r: 1 of r; Reed-Solomon k+m: k of k+m)
#   start, end, step     the rows of sweep.csv to draw (every step::start::end)
#   label                the sweep's name, for the title
# x: node unavailability p = 1 - storage.faults.node_uptime (measured: the time-averaged fraction
# of nodes down). y: storage.strategies.NAME.object_availability (the time-averaged fraction of
# objects readable). Closed form, each node down independently with probability p: an object is
# readable when at least `need` of its `frag` fragments are on live nodes,
#   A(p) = sum_{i=need..frag} C(frag, i) (1-p)^i p^(frag-i)   (1 - p^r for r copies).
if (!exists("scripts")) scripts = "analysis"
load scripts . "/style.gp"
if (!exists("file")) file = "sweep.csv"
if (!exists("out")) out = "availability-vs-unavailability"
if (!exists("label")) label = file
if (!exists("start")) { start = 0; end = 1000000; step = 1 }

n = words(names)
binom(n, k) = exp(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1))
A(p, need, frag) = sum [j=int(need):int(frag)] binom(frag, j) * (1 - p)**j * p**(frag - j)
col(i, what) = sprintf("storage.strategies.%s.%s", word(names, i), what)
p(dummy) = 1 - column("storage.faults.node_uptime.mean")
need(i) = real(word(needs, i))
frag(i) = real(word(frags, i))
strategy(i) = sprintf("%s (%s, %gx)", word(names, i), need(i) == 1 ? sprintf("%d copies", frag(i)) \
  : sprintf("Reed-Solomon %d+%d", need(i), frag(i) - need(i)), frag(i) / need(i))
m(i) = col(i, "object_availability")
# unavailability and its interval (1 - the availability interval), floored for the log scale; a
# point whose objects were never unreadable (unavailability 0) has no place on it and is left out
lfloor(u) = u < 1e-7 ? 1e-7 : u
unavail(a) = 1 - a > 0 ? 1 - a : NaN

stats file every step::start::end using (p(0)) nooutput
pmax = STATS_max * 1.08
set xrange [0:pmax]
set samples 200
set xlabel "node unavailability p (fraction of time a node is down)"

do for [fmt in "png svg"] {
  eval setterm(fmt, 1400, 640)
  set output out . "." . fmt
  set multiplot layout 1, 2 title "Availability of stored objects against node unavailability (" . label . ")\n" \
    . "points: simulated, time-averaged fraction of objects readable (mean of the runs, 95% confidence interval); dashed: closed form for independent failures" \
    font ",12"
  unset logscale y
  set format y "%g"
  set yrange [*:1.005]
  set ylabel "availability (fraction of objects readable)"
  set key bottom left
  set title "availability"
  plot for [i=1:n] file every step::start::end using (p(0)):(column(m(i) . ".mean")):(cilo(m(i))):(cihi(m(i))) \
         with yerrorlines lt i title strategy(i), \
       for [i=1:n] A(x, need(i), frag(i)) with lines lt i dt 2 lw 1.5 title (i == 1 ? "closed form (each colour)" : "")
  set logscale y
  set format y "10^%L"
  set yrange [1e-7:1]
  set ylabel "unavailability 1 - availability (log scale)"
  set key bottom right
  set title "the same as unavailability: each factor of 10 down is one more nine (0 not drawn)"
  plot for [i=1:n] file every step::start::end using (p(0)):(unavail(column(m(i) . ".mean"))):(lfloor(1 - cihi(m(i)))):(lfloor(1 - cilo(m(i)))) \
         with yerrorlines lt i title strategy(i), \
       for [i=1:n] lfloor(1 - A(x, need(i), frag(i))) with lines lt i dt 2 lw 1.5 notitle
  unset multiplot
}
set output
