package dev.offload.examples.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Counts the primes below a bound by trial division: honest CPU work for the examples. */
public final class CountPrimes implements JobHandler<Integer, Integer> {
    @Override
    public Integer handle(Integer below, JobContext context) {
        int count = 0;
        for (int n = 2; n < below; n++) {
            if (isPrime(n)) {
                count++;
            }
        }
        return count;
    }

    private static boolean isPrime(int n) {
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
