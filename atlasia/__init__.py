"""Atlas IA: map, prioritise, qualify, pilot, evaluate and publish public-sector AI use cases."""

__version__ = "0.1.0"

import os as _os

# Polars allocates through its own jemalloc, which by default keeps freed pages for 10 s: a large
# evaluation then holds both the chunks of a column just rechunked and its copy. Returning freed pages
# at once keeps the peak memory of an evaluation near the size of the columns read. Set before any
# atlasia module can import Polars; an explicit setting of the operator wins.
_os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
