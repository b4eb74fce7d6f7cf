// jemalloc's options for the server executables (compiled into each of them through the
// `runcast_allocator` CMake target, only when they link jemalloc). jemalloc reads this
// string at its first allocation; MALLOC_CONF in the environment still overrides it.
//
// Freed pages go back to the system within ~100 ms, returned by jemalloc's own background
// thread rather than by the thread that freed them: at jemalloc's defaults (10 s decay) a
// burst of connections left its freed pages resident, and RSS per idle SSE connection rose
// from glibc's ~3 KiB to 4-6 KiB. Returning them at once (decay 0) instead cost two thirds of
// live 1 -> 1 and a third of background starts (bench/RESULTS.md, 2026-12-05).

extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's (man 3 jemalloc, "malloc_conf").
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0";
}
