"""What the tests and the benchmarks share, so neither imports the other.

In: nothing but the standard library, numpy and listen itself. Out:
- ports.py: a free loopback port;
- redis.py: a throwaway redis-server on a free port, started, stopped and flushed;
- wordpress.py: a throwaway WordPress (Debian's) with a private MariaDB and PHP's built-in server;
- pages.py: local HTTP servers of canned pages, and one that drips its answer;
- extraction.py: how close an extracted body is to the expected one (n-gram F1) and the saved pages;
- fake_engine.py: quick, deterministic stand-ins for the speech engines (LISTEN_TEST_ENGINES).
"""
