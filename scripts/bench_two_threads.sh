#!/usr/bin/env bash
# What a second thread is worth on this machine right now: a fixed C loop (a dependent chain of
# floating-point additions over a 1 MiB array, so in L2) timed on one thread, then on two threads
# at once, ROUNDS times. "scaling" is twice the one-thread time over the two-thread time: 2 on two
# real cores, about 1 to 1.3 on the two hardware threads of one core, below 1 when the two threads
# slow each other more than they share. Read it beside any figure measured on two threads (and any
# CPU time of a two-thread run, which the threads' slowing of each other inflates); it also shows
# the machine's mode: the one-thread time is the speed a single-threaded benchmark sees.
# Needs a C compiler (gcc, as Debian's build-essential has). Options: ROUNDS (default 6).
source "$(dirname "$0")/bench_prelude.sh"
ROUNDS="${ROUNDS:-6}"
command -v gcc >/dev/null || { echo "gcc is not installed" >&2; exit 69; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/two.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static void *loop(void *arg) {
    long n = (long)arg;
    volatile double *a = calloc(1 << 17, sizeof(double));
    double s = 0;
    for (long i = 0; i < n; i++) s += a[(i * 7) & ((1 << 17) - 1)] * 1.0000001 + (double)i;
    free((void *)a);
    return (void *)(long)(s > 0);
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(void) {
    long n = 300000000;
    double t = now();
    loop((void *)n);
    double one = now() - t;
    pthread_t a, b;
    t = now();
    pthread_create(&a, 0, loop, (void *)n);
    pthread_create(&b, 0, loop, (void *)n);
    pthread_join(a, 0);
    pthread_join(b, 0);
    double two = now() - t;
    printf("{\"benchmark\":\"two_threads\",\"one_thread_s\":%.3f,\"two_threads_s\":%.3f,\"scaling\":%.2f}\n", one, two, 2 * one / two);
    return 0;
}
C
gcc -O2 -pthread "$WORK/two.c" -o "$WORK/two"
bench_header
for _ in $(seq "$ROUNDS"); do "$WORK/two"; sleep 1; done
