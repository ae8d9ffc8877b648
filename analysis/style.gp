# analysis/style.gp: the look shared by every chainsim plot (loaded by the other scripts).
# Colours: the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies.
# Text is not "enhanced": names like rs4+8 or stale_rate are printed as written.
set linetype 1 lc rgb "#0072B2" lw 2 pt 7 ps 1.1
set linetype 2 lc rgb "#D55E00" lw 2 pt 5 ps 1.0
set linetype 3 lc rgb "#009E73" lw 2 pt 9 ps 1.3
set linetype 4 lc rgb "#CC79A7" lw 2 pt 11 ps 1.3
set linetype 5 lc rgb "#E69F00" lw 2 pt 13 ps 1.2
set linetype 6 lc rgb "#56B4E9" lw 2 pt 7 ps 1.1
set linetype 7 lc rgb "#000000" lw 2 pt 5 ps 1.0
set linetype 8 lc rgb "#999999" lw 2 pt 9 ps 1.3
set linetype cycle 8
set datafile separator ","
set datafile columnheaders
set grid lc rgb "#dddddd" lw 1
set border lc rgb "#444444"
set key box lc rgb "#cccccc" opaque samplen 3 spacing 1.2
set termoption noenhanced

# The terminal for format fmt ("png" or "svg") at w x h pixels. Usage, in a loop over formats:
#   eval setterm(fmt, w, h); set output out . "." . fmt
setterm(fmt, w, h) = (fmt eq "png" \
  ? sprintf("set terminal pngcairo size %d,%d font 'Sans,11' noenhanced", w, h) \
  : sprintf("set terminal svg size %d,%d dynamic font 'Sans,11' noenhanced", w, h))

# Lower and upper ends of a 95% confidence interval column pair, the mean where it is undefined
# (a point with one run).
cilo(m) = strlen(strcol(m . ".ci95_lo")) > 0 ? column(m . ".ci95_lo") : column(m . ".mean")
cihi(m) = strlen(strcol(m . ".ci95_hi")) > 0 ? column(m . ".ci95_hi") : column(m . ".mean")
