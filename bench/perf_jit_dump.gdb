# perf_jit_dump.gdb - dump the executable views of the JIT's code mappings
# (memfd:mvdm-jit, src/cpu/jit_area.c) when the process exits, for
# bench/perf_jit.py --annotate. Each goes to /tmp/mvdm-jit-ADDR.bin, ADDR
# its address (hex, --dump-base). With the profile (the map and the code
# of the same process):
#   MVDM_PERF_MAP=1 perf record -F 5000 -o perf.data \
#       gdb -batch -x bench/perf_jit_dump.gdb --args BUILD/tools/mvdm run ...
set pagination off
set confirm off
set breakpoint pending on
break exit
run
python
pid = gdb.selected_inferior().pid
for line in open('/proc/%d/maps' % pid):
    f = line.split()
    if 'mvdm-jit' in line and f[1].startswith('r-x'):
        lo, hi = (int(x, 16) for x in f[0].split('-'))
        gdb.execute('dump binary memory /tmp/mvdm-jit-%x.bin %#x %#x' % (lo, lo, hi))
        print('dumped %x-%x to /tmp/mvdm-jit-%x.bin (inferior pid %d)' % (lo, hi, lo, pid))
end
delete
continue
