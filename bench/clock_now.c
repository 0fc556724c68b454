/* Prints CLOCK_MONOTONIC in nanoseconds: when main() ran, for bench/run.py's start-up figure
   (the time from starting the tracer to the traced program's first line of its own). */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	printf("%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
	return 0;
}
