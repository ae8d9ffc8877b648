# analysis/propagation.gp: the propagation curve of a run: the fraction of nodes holding a message
# against the time since it was sent (propagation.csv). Usage: gnuplot -e "dir='RESULTS_DIR'" analysis/propagation.gp
# Writes DIR/propagation.png and DIR/propagation.svg.
if (!exists("dir")) dir = "."
data = dir . "/propagation.csv"
set datafile separator ","
set key bottom right
set grid
set xlabel "time since the message was sent (s)"
set ylabel "fraction of nodes reached"
set yrange [0:1.02]
set xrange [0:*]
set title "Message propagation (" . dir . ")" noenhanced

do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal pngcairo size 900,600 font ",11" } else { set terminal svg size 900,600 dynamic font ",11" }
  set output dir . "/propagation." . fmt
  plot data using 2:1 skip 1 with lines lw 2 title "all (message, node) arrivals"
}
