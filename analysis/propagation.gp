# analysis/propagation.gp: the propagation curve of a gossip run: the fraction of all (message,
# node) deliveries that had arrived within a given time of the message being sent
# (propagation.csv), with the median message's times to reach 50%, 90% and 100% of the nodes.
# Usage: gnuplot -e "dir='RESULTS_DIR'" analysis/propagation.gp (or `chainsim plot DIR`).
# Writes DIR/propagation.png and DIR/propagation.svg (or out.png and out.svg when out is set).
if (!exists("dir")) dir = "."
if (!exists("scripts")) scripts = "analysis"
load scripts . "/style.gp"
if (!exists("out")) out = dir . "/propagation"
data = dir . "/propagation.csv"
messages = dir . "/messages.csv"

has(c) = strlen(strcol(c)) > 0 ? column(c) : NaN
# For the cumulative curves: a message that never got there counts at "never", far right of the
# axis (an undefined value would split the curve in two, each summed apart).
when(c) = strlen(strcol(c)) > 0 ? column(c) : 1e30
stats messages using (column("id")) nooutput
nmessages = STATS_records

set title "Message propagation (" . dir . "): " . nmessages . " messages\n" \
  . "solid: fraction of all (message, node) arrivals; dashed: fraction of messages that reached 50/90/100% of the nodes" font ",12"
set key outside right top vertical
set xlabel "time since the message was sent (s)"
set ylabel "fraction"
set yrange [0:1.02]
set xrange [0:*]

do for [fmt in "png svg"] {
  eval setterm(fmt, 1200, 620)
  set output out . "." . fmt
  plot data using (column("delay_s")):(column("fraction")) with lines lt 7 lw 2.5 title "all arrivals", \
       messages using (when("t50_s")):(1.0 / nmessages) smooth cumulative lt 1 dt 2 title "messages at 50%", \
       messages using (when("t90_s")):(1.0 / nmessages) smooth cumulative lt 2 dt 2 title "messages at 90%", \
       messages using (when("t100_s")):(1.0 / nmessages) smooth cumulative lt 3 dt 2 title "messages at 100%"
}
set output
