"""One run crawled by several processes on a shared Redis frontier (分布式巡查).

scrapy-redis holds the frontier: its scheduler keeps the run's pending requests in a Redis
sorted set (by priority), its dupe filter keeps the fingerprint of every request ever
scheduled in a Redis set. A URL any worker discovers is therefore fetched once, by whichever
worker pops it. What a shared frontier needs beyond that is here:

* ``frontier`` — the Scrapy settings of one run (``enable_frontier``), every Redis key named
  after the run (``keys``) so that two runs never share a frontier;
* ``scheduler`` — ``FrontierScheduler``, ``FrontierDupeFilter``: scrapy-redis's own, adapted
  to Scrapy ≥ 2.14, the queue reached in batches (their docstrings say what and why);
* ``seeding`` — ``FrontierSeeding``: only the seeding process schedules what ``start()`` yields;
* ``coordinator`` — ``FrontierCoordinator``: the run ends when the frontier
  is empty and every live worker has been idle for a grace period; a worker whose heartbeat
  expired stops counting; a worker that ends for a reason of the whole run (site
  unreachable, page limit, store error, the seeding worker stopped) stops every other one.

Redis layout of run ``R`` in namespace ``N`` (default ``xuncha``), all under
``N:frontier:R:``::

    requests      sorted set   pending requests (scrapy-redis PriorityQueue, pickled)
    seen          set          fingerprints of every request scheduled (scrapy-redis)
    seeded        string       set by the seeding worker when it opens
    workers       set          ids of the workers on the run
    worker:<id>   string, TTL  ``busy`` or ``idle:<ms since epoch, Redis clock>``
    stop          hash         ``reason`` (and ``message``) once the run is stopped for all
    results       hash         worker id -> JSON ``{reason, seed, stats}``, written as it leaves
    lost          set          workers struck off without a goodbye (heartbeat expired)
    run           hash         an owned run only: what a joining worker needs (its owner's)
    state:*       various      the spider's shared memory (``state``: RedisState)

A run without an owner (no ``run`` key) is removed by the last worker to leave an empty or
stopped frontier. An *owned* run (``xuncha run --redis``, which sets ``run`` and keeps it
alive) is removed by its owner once every worker has left, after reading ``results`` and
``lost``; a worker writes nothing once the ``run`` key is gone, so a straggler cannot bring a
removed run back. A worker killed while it held requests loses them: scrapy-redis pops
destructively (no acknowledgement to re-queue from) and their fingerprints stay in ``seen``,
so no other worker fetches them in this run — it is recorded in ``lost``.

Requests travel pickled (scrapy-redis's default serializer): whoever can write to this Redis
can run code in every worker. Use a Redis of your own, password-protected, on a private network.
Only ``keys`` imports nothing beyond the standard library: every other module needs the
``distributed`` extra (redis, scrapy-redis) and is imported only when a crawl is distributed.
"""
