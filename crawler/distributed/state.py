"""PortalSpider's memory in Redis, shared by the workers of one run (分布式巡查).

The same contract as :class:`~crawler.state.local.LocalState`, every test-and-set atomic in
Redis (a command or a Lua script), so two workers never both win a claim. Keys live under the
run's prefix (``N:frontier:R:state:``, see crawler/distributed/frontier.py) and go with the run::

    requested        hash   target URL -> role it was requested for
    claimed          list   target URLs in the order first requested (read by every worker)
    lists            set    canonical URLs of the list pages requested
    checked, pages   sets   targets with a link-check record, pages with a page record
    probed           set    site roots whose soft-404 probe was sent
    sampled          string inner pages sampled for the site-identity marks
    sections         set    the disclosure sections found while crawling
    republished      set    list pages whose validators changed tonight (增量巡查)
    columns          hash   canonical URL -> JSON {url, name, source, kind, unit}
    column_order     list   canonical URLs in the order they were first defined
    col:<url>:pages|items|hashes   sets   a column's list pages, items and page digests
    newest, children hashes canonical URL -> ISO date / 0|1
    parents          set    column-tree nodes that only hold sub-columns
    pagecount        string responses received by every worker (the run's page limit)
    traps:pages      hash   URL pattern -> pages requested by links (爬虫陷阱, crawler/traps.py)
    traps:shapes     hash   pattern + page shape -> pages fetched with that shape
    traps:notes      hash   pattern -> JSON {kind, example} of a trap; traps:dropped its links

Round trips are kept to a few per response: what never changes once known (a claimed target
under any role, a column's definition, a probed root) is remembered locally, and once per
response one script (``sync``) brings the targets any worker claimed since (so a link to one
needs no question), the number of traps, and the sections when their number changed.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from scrapy_redis.connection import get_redis_from_settings

from crawler.distributed.keys import FrontierKeys, frontier_keys, text
from crawler.items import ColumnRecord
from crawler.scope import CrawlScope, canonical
from crawler.state.base import ANY, CrawlState, column_kept
from crawler.traps import MAX_PATTERNS, MAX_TRAP_NOTES, TrapNote

# KEYS: requested, lists, claimed; ARGV: url, role, keep ('*': any claim stands; else roles
# joined by ','), canonical URL to add to lists or ''. Returns {1 if claimed else 0, role now
# held}. A target claimed for the first time is appended to ``claimed``.
_CLAIM = """
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held then
  if ARGV[3] == '*' then return {0, held} end
  for role in string.gmatch(ARGV[3], '[^,]+') do
    if role == held then return {0, held} end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if not held then redis.call('RPUSH', KEYS[3], ARGV[1]) end
if ARGV[4] ~= '' then redis.call('SADD', KEYS[2], ARGV[4]) end
return {1, ARGV[2]}
"""

# KEYS: requested, lists, claimed, pages; ARGV: url, canonical URL. Returns 1 if claimed.
# A target requested as a page and not yet recorded is not requested again: when it comes it is
# read as the column's list page (Walk.page asks column_url), as it would be in one process
# where the section's navigation is read before the pages linking its columns are fetched.
_CLAIM_LIST = """
if redis.call('SADD', KEYS[2], ARGV[2]) == 0 then return 0 end
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held == 'page' and redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], 'list')
if not held then redis.call('RPUSH', KEYS[3], ARGV[1]) end
return 1
"""

# KEYS: columns, column_order; ARGV: canonical URL, JSON. Returns the definition that stands.
_DEFINE = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return ARGV[2]
end
return redis.call('HGET', KEYS[1], ARGV[1])
"""

# KEYS: hashes, pages, items, newest, columns; ARGV: digest or '', page, canonical column URL,
# newest ISO date or '', item URLs... Returns 1 if counted (0: not a column, or a page seen).
_LIST_PAGE = """
if redis.call('HEXISTS', KEYS[5], ARGV[3]) == 0 then return 0 end
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[2])
for i = 5, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
if ARGV[4] ~= '' then
  local held = redis.call('HGET', KEYS[4], ARGV[3])
  if not held or held < ARGV[4] then redis.call('HSET', KEYS[4], ARGV[3], ARGV[4]) end
end
return 1
"""

# KEYS: sections, traps:notes, claimed; ARGV: how many sections this worker has, how many
# claimed targets it has read. Returns {the sections if their number changed else {}, how
# many traps the run knows, the targets claimed since}.
_SYNC = """
local traps = redis.call('HLEN', KEYS[2])
local claimed = redis.call('LRANGE', KEYS[3], ARGV[2], -1)
if redis.call('SCARD', KEYS[1]) == tonumber(ARGV[1]) then return {{}, traps, claimed} end
return {redis.call('SMEMBERS', KEYS[1]), traps, claimed}
"""

# KEYS: a counting hash; ARGV: field, how many fields the hash may hold. Returns the field's
# count now, 0 if the hash is full of other fields (what a worker remembers stays bounded).
_COUNT = """
local full = redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2])
if full and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
"""

# KEYS: traps:notes, traps:dropped; ARGV: pattern, JSON note, links dropped, most notes kept.
_NOTE_TRAP = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
if tonumber(ARGV[3]) > 0 then redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[3]) end
return 1
"""


class RedisState(CrawlState):
    """A worker's view of the run's shared memory (see the module docstring)."""

    def __init__(self, server: Any, keys: FrontierKeys, scope: CrawlScope, *, seed: bool) -> None:
        super().__init__(scope)
        self.server = server
        self.keys = keys
        self.seeds = seed
        # The seeding worker closes when every worker is idle: by then every total is in.
        self.writes_columns = seed
        self.key = {
            name: keys.state(name)
            for name in ("requested", "lists", "checked", "pages", "probed", "sampled",
                         "sections", "republished", "columns", "column_order", "newest",
                         "children", "parents", "traps:pages", "traps:shapes", "traps:notes",
                         "traps:dropped", "claimed")
        }  # fmt: skip
        self._claim = server.register_script(_CLAIM)
        self._claim_list = server.register_script(_CLAIM_LIST)
        self._define = server.register_script(_DEFINE)
        self._list_page = server.register_script(_LIST_PAGE)
        self._sync = server.register_script(_SYNC)
        self._count = server.register_script(_COUNT)
        self._note_trap = server.register_script(_NOTE_TRAP)
        self._trapped: set[str] = set()  # patterns known to be traps (a trap stays one)
        self._roles: dict[str, str] = {}  # targets known to be requested, last role seen
        self._lists: set[str] = set()
        self._probed: set[str] = set()
        self._columns: dict[str, str] = {}  # canonical URL -> column URL
        self._sampling = True
        self._sections_seen = 0
        self._claimed_seen = 0

    @classmethod
    def from_settings(cls, settings: Any, scope: CrawlScope) -> RedisState:
        return cls(
            get_redis_from_settings(settings),
            frontier_keys(settings),
            scope,
            seed=settings.getbool("XUNCHA_FRONTIER_SEED", True),
        )

    def column_key(self, column: str, name: str) -> str:
        return self.keys.state(f"col:{canonical(column)}:{name}")

    # -- once per response ---------------------------------------------------------------

    def sync(self) -> None:
        # One round trip per response: the sections if their number changed, and how many
        # traps the run knows (the patterns only when that grew: traps another worker found).
        members, traps, claimed = self._sync(
            keys=[self.key["sections"], self.key["traps:notes"], self.key["claimed"]],
            args=[self._sections_seen, self._claimed_seen],
        )
        # Targets any worker claimed: known here without asking when a page links them.
        self._claimed_seen += len(claimed)
        for url in claimed:
            self._roles.setdefault(text(url), "")
        if members:
            for url in members:
                self.scope.add_section(text(url))
            self._sections_seen = len(members)
        if traps != len(self._trapped):
            self._trapped.update(text(p) for p in self.server.hkeys(self.key["traps:notes"]))

    # -- targets ---------------------------------------------------------------------------

    def was_requested(self, url: str) -> bool:
        return url in self._roles

    def claim(self, url: str, role: str, keep: Collection[str] | None = ANY) -> bool:
        if keep is ANY and url in self._roles:
            return False  # a claim never goes away: no need to ask
        listed = canonical(url) if role == "list" else ""
        keep_arg = "*" if keep is ANY else ",".join(keep)
        won, held = self._claim(
            keys=[self.key["requested"], self.key["lists"], self.key["claimed"]],
            args=[url, role, keep_arg, listed],
        )
        self._roles[url] = text(held)
        if won and listed:
            self._lists.add(listed)
        return bool(won)

    def claim_list(self, url: str) -> bool:
        key = canonical(url)
        if key in self._lists:
            return False
        self._lists.add(key)
        keys = [self.key["requested"], self.key["lists"], self.key["claimed"], self.key["pages"]]
        won = self._claim_list(keys=keys, args=[url, key])
        if won:
            self._roles[url] = "list"
        return bool(won)

    def claim_check(self, target: str) -> bool:
        return bool(self.server.sadd(self.key["checked"], target))

    def claim_page(self, url: str) -> bool:
        return bool(self.server.sadd(self.key["pages"], url))

    def claim_probe(self, site_root: str) -> bool:
        if site_root in self._probed:
            return False
        self._probed.add(site_root)
        return bool(self.server.sadd(self.key["probed"], site_root))

    def claim_sample(self, limit: int) -> bool:
        if self._sampling and self.server.incr(self.key["sampled"]) <= limit:
            return True
        self._sampling = False
        return False

    def add_section(self, url: str) -> None:
        self.scope.add_section(url)
        self.server.sadd(self.key["sections"], url)

    def mark_republished(self, url: str) -> None:
        self.server.sadd(self.key["republished"], url)

    def is_republished(self, url: str) -> bool:
        return bool(self.server.sismember(self.key["republished"], url))

    # -- columns ---------------------------------------------------------------------------

    def define_column(
        self, url: str, name: str, source: str, *, kind: str | None, unit: str | None
    ) -> str:
        key = canonical(url)
        if key not in self._columns:
            definition = {"url": url, "name": name, "source": source, "kind": kind, "unit": unit}
            stands = self._define(
                keys=[self.key["columns"], self.key["column_order"]],
                args=[key, json.dumps(definition, ensure_ascii=False)],
            )
            self._columns[key] = json.loads(text(stands))["url"]
        return self._columns[key]

    def column_url(self, url: str) -> str | None:
        key = canonical(url)
        if key not in self._columns:
            found = self.server.hget(self.key["columns"], key)
            if found is None:
                return None  # not a column yet: ask again next time, another worker may say
            self._columns[key] = json.loads(text(found))["url"]
        return self._columns[key]

    def record_list_page(
        self,
        column: str,
        page: str,
        digest: str | None,
        items: Iterable[str],
        newest: date | None,
    ) -> bool:
        keys = [self.column_key(column, name) for name in ("hashes", "pages", "items")]
        args = [digest or "", page, canonical(column), newest.isoformat() if newest else ""]
        keys += [self.key["newest"], self.key["columns"]]
        return bool(self._list_page(keys=keys, args=[*args, *items]))

    def mark_children(self, column: str, has_children: bool) -> None:
        self.server.hset(self.key["children"], canonical(column), int(has_children))

    def add_parents(self, urls: Iterable[str]) -> None:
        found = list(urls)
        if found:
            self.server.sadd(self.key["parents"], *found)

    def column_records(self) -> list[ColumnRecord]:
        order = [text(k) for k in self.server.lrange(self.key["column_order"], 0, -1)]
        if not order:
            return []
        pipe = self.server.pipeline(transaction=False)
        pipe.hgetall(self.key["columns"]).hgetall(self.key["newest"])
        pipe.hgetall(self.key["children"]).smembers(self.key["parents"])
        for key in order:
            pipe.scard(self.column_key(key, "pages")).scard(self.column_key(key, "items"))
        columns, newest, children, parents, *totals = pipe.execute()
        columns, newest, children = (_texts(h) for h in (columns, newest, children))
        parents = {text(p) for p in parents}
        records = []
        for i, key in enumerate(order):
            column = json.loads(columns[key])
            pages, items = totals[2 * i], totals[2 * i + 1]
            parent = children.get(key) == "1" or key in parents
            if column_kept(column["source"], pages, items, parent):
                day = newest.get(key)
                records.append(
                    ColumnRecord(
                        **column,
                        list_pages=pages,
                        items=items,
                        newest=date.fromisoformat(day) if day else None,
                    )
                )
        return records

    # -- spider traps ----------------------------------------------------------------------

    def count_pattern(self, pattern: str) -> int:
        return int(self._count(keys=[self.key["traps:pages"]], args=[pattern, MAX_PATTERNS]))

    def count_shape(self, pattern: str, shape: str) -> int:
        field = f"{shape} {pattern}"
        return int(self._count(keys=[self.key["traps:shapes"]], args=[field, MAX_PATTERNS]))

    def is_trapped(self, pattern: str) -> bool:
        return pattern in self._trapped

    def note_trap(self, pattern: str, kind: str, example: str, dropped: int = 0) -> None:
        note = json.dumps({"kind": kind, "example": example}, ensure_ascii=False)
        keys = [self.key["traps:notes"], self.key["traps:dropped"]]
        if self._note_trap(keys=keys, args=[pattern, note, dropped, MAX_PATTERNS]):
            self._trapped.add(pattern)

    def trap_notes(self) -> list[TrapNote]:
        notes = _texts(self.server.hgetall(self.key["traps:notes"]))
        if not notes:
            return []
        dropped = _texts(self.server.hgetall(self.key["traps:dropped"]))
        patterns = list(notes)
        kept = self.server.hmget(self.key["traps:pages"], patterns)
        found = [
            TrapNote.from_json(
                {
                    **json.loads(notes[pattern]),
                    "pattern": pattern,
                    "kept": int(text(pages)) if pages is not None else 0,
                    "dropped": int(dropped.get(pattern, 0)),
                }
            )
            for pattern, pages in zip(patterns, kept, strict=True)
        ]
        return sorted(found, key=lambda n: -n.dropped)[:MAX_TRAP_NOTES]

    # -- the run ---------------------------------------------------------------------------

    def stop(self, reason: str, message: str) -> None:
        pipe = self.server.pipeline(transaction=True)
        pipe.hsetnx(self.keys.stop, "reason", reason).hsetnx(self.keys.stop, "message", message)
        pipe.execute()


def _texts(mapping: dict[Any, Any]) -> dict[str, str]:
    return {text(k): text(v) for k, v in mapping.items()}
