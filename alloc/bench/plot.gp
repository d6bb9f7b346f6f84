# plot.gp - docs/bench.png from kabench's data files.
# gnuplot -e "base='alloc/build/bench'; out='docs/bench.png'" alloc/bench/plot.gp
# Reads base-tput.dat, base-p99.dat and base-frag.dat (a row per
# scenario, a column per allocator, the peers first) and base-mt.dat
# (aggregate ops/us per thread count), which kabench -c base.csv writes.
if (!exists("base")) base = "build/bench"
if (!exists("out")) out = "bench.png"
tput = base . "-tput.dat"
p99 = base . "-p99.dat"
frag = base . "-frag.dat"
mt = base . "-mt.dat"

set terminal pngcairo size 1800,1100 font "DejaVu Sans,10" noenhanced
# Peers in greys and browns, the policies in colours; slab-shared last.
set linetype 1 lc rgb "#9e9e9e"
set linetype 2 lc rgb "#6d4c41"
set linetype 3 lc rgb "#bcaaa4"
set linetype 4 lc rgb "#424242"
set linetype 5 lc rgb "#2e7d32"
set linetype 6 lc rgb "#1565c0"
set linetype 7 lc rgb "#e53935"
set linetype 8 lc rgb "#f9a825"
set linetype 9 lc rgb "#8e24aa"
set linetype 10 lc rgb "#00acc1"
set output out
set multiplot layout 2,2 title "kalloc policies beside glibc, jemalloc, mimalloc and tcmalloc, per scenario (kabench, one process; the peers are the first four bars of each group, in greys and browns)"

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top left autotitle columnheader maxrows 3
set grid ytics
set xtics nomirror

set title "throughput, 1 thread (ops/us of CPU time, log scale; higher is better)"
set logscale y
set ylabel "ops/us"
plot for [c=2:*] tput using c:xtic(1)

set title "latency p99 per op, 1 thread (ns, log scale; lower is better)"
set ylabel "ns"
plot for [c=2:*] p99 using c:xtic(1)

set title "fragmentation: peak footprint / peak requested - 1 (%, log scale, floor 0.1; lower is better)"
set ylabel "%"
set yrange [0.1:1000]
plot for [c=2:*] frag using c:xtic(1)
set yrange [*:*]

set style data linespoints
set title "uniform scenario, threads (aggregate ops/us, wall clock; 2 cores)"
set xlabel "threads"
set ylabel "ops/us"
set logscale x 2
set key outside right autotitle columnheader
plot for [c=2:*] mt using 1:c with linespoints lw 2

unset multiplot
