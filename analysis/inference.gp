# analysis/inference.gp: AI inference through a sharded model, per redundancy strategy: the
# success rate (with its 95% Wilson score interval) and the latency of successful requests (p50
# and p99). Run by `chainsim plot DIR` on a storage run with inference, which sets (word lists,
# one word per strategy, from metrics.csv):
#   names                        storage.strategies.NAME
#   done, failed                 .inference.done, .inference.failed: requests finished each way
#   failovers                    .inference.failovers: stages replayed on another server
#   p50, p99                     .inference_latency_s.p50 / .p99 (s)
#   out, label                   output name without extension; the run's name for the title
# Success rate = done / (done + failed), requests still running at the end left out (as in
# summary.json's inference_success_rate).
if (!exists("scripts")) scripts = "analysis"
load scripts . "/style.gp"
set datafile nocolumnheaders  # only the pseudo-file '+' is read; its first sample is no header
if (!exists("out")) out = "inference"
if (!exists("label")) label = ""

n = words(names)
num(list, i) = real(word(list, int(i)))
total(i) = num(done, i) + num(failed, i)
rate(i) = total(i) > 0 ? num(done, i) / total(i) : NaN
# Wilson score interval, z = 1.96
z = 1.959964
wc(i) = (rate(i) + z**2 / (2 * total(i))) / (1 + z**2 / total(i))
wh(i) = z / (1 + z**2 / total(i)) * sqrt(rate(i) * (1 - rate(i)) / total(i) + z**2 / (4 * total(i)**2))
set xrange [0.5:n + 0.5]
set xtics () scale 0
do for [i=1:n] { set xtics add (word(names, i) i) }
set grid ytics
set grid noxtics
set samples n

do for [fmt in "png svg"] {
  eval setterm(fmt, 1300, 600)
  set output out . "." . fmt
  set multiplot layout 1, 2 title "Inference through a sharded model (" . label . "), per redundancy strategy" font ",12"
  set title "requests that succeeded (95% interval)"
  set ylabel "success rate (%)"
  set yrange [*:100.05]
  set xrange [0.5:n + 0.95]
  set key off
  plot sample [i=1:n:1] '+' using (i):(100 * rate(i)):(100 * (wc(i) - wh(i))):(100 * (wc(i) + wh(i))) \
         with yerrorbars lt 1 pt 7 ps 1.6 lw 2, \
       [i=1:n:1] '+' using (i):(100 * rate(i)):(sprintf("  %.2f%%\n  %d failed of %d", 100 * rate(i), num(failed, i), total(i))) \
         with labels left offset 1, 0 font ",10" tc rgb "#333333"
  set title "latency of successful requests"
  set ylabel "latency (s, log scale)"
  set logscale y
  set yrange [*:*]
  set xrange [0.5:n + 0.5]
  set key top left
  plot sample [i=1:n:1] '+' using (i - 0.08):(num(p50, i)) with points lt 1 pt 7 ps 1.6 title "median (p50)", \
       [i=1:n:1] '+' using (i + 0.08):(num(p99, i)) with points lt 2 pt 5 ps 1.4 title "p99"
  unset logscale y
  unset multiplot
}
set output
