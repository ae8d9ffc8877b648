# analysis/availability-time.gp: availability over time of a storage run, one line per
# redundancy strategy, with the fraction of nodes up below it: regional outages, bursts and
# partitions show as dips. Run by `chainsim plot DIR` on a run with availability.csv, which sets:
#   file          availability.csv (time_s, strategy, object_availability, nodes_up, ...)
#   names         the strategies (word list)
#   tdiv, tunit   the time axis' unit: 3600 and "hours", or 86400 and "days"
#   out, label    output name without extension; the run's name for the title
# Each row is an average over a time bin ending at time_s, drawn as a step over that bin.
if (!exists("scripts")) scripts = "analysis"
load scripts . "/style.gp"
if (!exists("file")) file = "availability.csv"
if (!exists("out")) out = "availability-time"
if (!exists("label")) label = file
if (!exists("tdiv")) { tdiv = 3600; tunit = "hours" }

n = words(names)
is(i) = strcol("strategy") eq word(names, i)
t(dummy) = column("time_s") / tdiv

# Each strategy's mean and lowest bin, for its title (lines at 1 hide one another).
do for [i=1:n] {
  stats file using (is(i) ? column("object_availability") : NaN) nooutput
  eval sprintf("mean%d = %.12g; min%d = %.12g", i, STATS_mean, i, STATS_min)
}
title(i) = sprintf("%s: mean %.5f, lowest %.5f", word(names, i), value(sprintf("mean%d", i)), \
                   value(sprintf("min%d", i)))

set title "Availability over time (" . label . ")\n" \
  . "time-averaged fraction of objects readable per strategy, per time bin; grey: fraction of nodes up" font ",12"
set xlabel "simulated time (" . tunit . ")"
set ylabel "fraction of objects readable / of nodes up"
set xrange [0:*]
set yrange [*:1.01]
set key outside right top vertical

do for [fmt in "png svg"] {
  eval setterm(fmt, 1250, 640)
  set output out . "." . fmt
  # Drawn widest first, so that a line hidden under later ones still shows at its edges.
  plot for [i=1:n] file using (t(0)):(is(i) ? column("object_availability") : NaN) \
         with fsteps lt i lw (1.5 + 0.8 * (n - i)) title title(i), \
       file using (t(0)):(is(1) ? column("nodes_up") : NaN) with fsteps lc rgb "#999999" lw 1.5 \
         title "nodes up"
}
set output
