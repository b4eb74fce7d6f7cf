// jemalloc's options for the server executables (compiled into each of them through the
// `runcast_allocator` CMake target, only when they link jemalloc). jemalloc reads this
// string at its first allocation; MALLOC_CONF in the environment still overrides it.
//
// Freed pages go back to the system within ~100 ms, returned by jemalloc's own background
// thread rather than by the thread that freed them: at jemalloc's defaults (10 s decay) a
// burst of connections left its freed pages resident, and RSS per idle SSE connection rose
// from glibc's ~3 KiB to 4-6 KiB. Returning them at once (decay 0) instead cost two thirds of
// live 1 -> 1 and a third of background starts (bench/RESULTS.md, 2026-12-05).
//
// Allocations up to 64 KiB (frames, messages, rows: nearly all of ours) come from jemalloc's
// hugepage-aware allocator (`hpa`, jemalloc 5.3), which returns pages in batches rather than
// a few at a time. With decay alone a live run purged its frames' pages and faulted them back
// (~3,000 `madvise` calls, each a TLB flush of the other core, and ~10,000 faults per million
// events). `hpa` keeps unused pages up to a share of those in use and returns the rest: at
// its default share (a quarter) a small process replaying 3 MB runs one after another still
// returned and faulted back each one's pages (store replays 0.8x); at half it does not. So
// RSS of small allocations stays under 1.5x what is in use. Figures (bench/RESULTS.md,
// 2026-12-07): live 1 -> 1 of 1M events 1.04M vs 0.83M events/s, 1.25 vs 1.59 us of CPU per
// event; starts 10k vs 8.8k/s; ~1 KiB more RSS per idle connection and 3 B more per buffered
// event (both rows still under their targets at the median). Larger allocations keep
// the 100 ms decay. A jemalloc without `hpa` (before 5.3) reports the unknown options on
// stderr ("Invalid conf pair") and ignores them, as it does any it does not know (not tried
// here: Debian ships 5.3).

extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's (man 3 jemalloc, "malloc_conf").
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true,hpa:true,hpa_dirty_mult:0.5,dirty_decay_ms:100,"
                          "muzzy_decay_ms:0";
}
