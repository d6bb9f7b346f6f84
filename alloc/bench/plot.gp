# plot.gp - docs/bench.png from kabench's data files.
# gnuplot -e "base='alloc/build/bench'; out='docs/bench.png'" alloc/bench/plot.gp
# Reads base-ops.dat (ops/us, p99 and fragmentation per policy and
# scenario) and base-mt.dat (aggregate ops/us per thread count), which
# kabench -c base.csv writes.
if (!exists("base")) base = "build/bench"
if (!exists("out")) out = "bench.png"
ops = base . "-ops.dat"
mt = base . "-mt.dat"

set terminal pngcairo size 1500,1000 font "DejaVu Sans,10" noenhanced
set output out
set multiplot layout 2,2 columnsfirst title "kalloc allocator policies vs glibc (kabench, single process)"

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top left autotitle columnheader
set grid ytics
set xtics nomirror

set title "throughput, 1 thread (ops/us, log scale; higher is better)"
set logscale y
set ylabel "ops/us"
plot for [c=2:6] ops using c:xtic(1)

set title "latency p99 per op, 1 thread (ns, log scale; lower is better)"
set ylabel "ns"
plot for [c=7:11] ops using c:xtic(1)

set title "fragmentation: peak footprint / peak requested - 1 (%, log scale, floor 0.1; lower is better)"
set ylabel "%"
set logscale y
plot for [c=12:16] ops using (column(c) > 0.1 ? column(c) : 0.1):xtic(1) title columnheader(c)

unset logscale y
set style data linespoints
set title "uniform scenario, threads (aggregate ops/us; 2 cores)"
set xlabel "threads"
set ylabel "ops/us"
set logscale x 2
set logscale y
set key outside right
plot for [c=2:*] mt using 1:c with linespoints lw 2

unset multiplot
